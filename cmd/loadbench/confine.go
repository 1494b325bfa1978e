package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
)

// A server process confined to a share of the CPUs, through a cgroup of its
// own: on a 2-core machine shared by the client, the database and the
// servers, this is how a drive can ask whether a second process adds what a
// second machine would. Without it the second process has no core to add.

// cgroupRoot is where the kernel's cgroups are mounted.
const cgroupRoot = "/sys/fs/cgroup"

// cpuLimit is the cgroup's quota and accounting period in microseconds for
// a share of cpus: the period as short as the kernel's 1 ms least quota
// allows, so a process that used its share waits a few milliseconds for the
// next, not the 100 ms of the kernel's default period, which alone would
// break a 200 ms bound over a request's several round trips. The period is
// rounded up, so a share that does not divide 1 ms evenly (0.15) still gets
// a quota the kernel takes.
func cpuLimit(cpus float64) (quota, period int) {
	period = min(max(int(math.Ceil(1000/cpus)), 1000), 100_000)
	return int(math.Round(cpus * float64(period))), period
}

// leastShare is the smallest share the longest period (100 ms) holds a 1 ms
// quota for.
const leastShare = 0.01

// cpuQuota is a cgroup of the cpu controller that limits its processes to
// a share of the CPUs.
type cpuQuota struct{ dir string }

// newCPUQuota makes a cgroup named name under root (cgroupRoot) allowed
// cpus CPUs (0.5 is half of one), on cgroup v2 or on v1's cpu controller.
// It needs root.
func newCPUQuota(root, name string, cpus float64) (*cpuQuota, error) {
	if cpus < leastShare {
		return nil, fmt.Errorf("a CPU share must be at least %v, not %v", leastShare, cpus)
	}
	q, p := cpuLimit(cpus)
	quota, period := strconv.Itoa(q), strconv.Itoa(p)
	v2 := fileExists(filepath.Join(root, "cgroup.controllers"))
	dir := filepath.Join(root, "cpu", name)
	if v2 {
		dir = filepath.Join(root, name)
		// The root's children get the cpu controller only when it is on
		// in the root's subtree.
		_ = os.WriteFile(filepath.Join(root, "cgroup.subtree_control"), []byte("+cpu"), 0o644)
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("confining a server to %v CPUs needs a cgroup (root, cgroups mounted at %s): %w", cpus, root, err)
	}
	cg := &cpuQuota{dir: dir}
	var err error
	if v2 {
		err = cg.write("cpu.max", quota+" "+period)
	} else {
		// The period first: the quota must fit in it.
		if err = cg.write("cpu.cfs_period_us", period); err == nil {
			err = cg.write("cpu.cfs_quota_us", quota)
		}
	}
	if err != nil {
		cg.remove()
		return nil, fmt.Errorf("confining a server to %v CPUs: %w", cpus, err)
	}
	return cg, nil
}

// add moves a process, all its threads, into the cgroup.
func (q *cpuQuota) add(pid int) error {
	return q.write("cgroup.procs", strconv.Itoa(pid))
}

// remove deletes the cgroup once its processes have exited.
func (q *cpuQuota) remove() { os.Remove(q.dir) }

func (q *cpuQuota) write(file, value string) error {
	return os.WriteFile(filepath.Join(q.dir, file), []byte(value), 0o644)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
