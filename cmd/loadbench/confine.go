package main

import (
	"errors"
	"fmt"
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

// cpuPeriod is the cgroup's accounting period in microseconds for a share
// of cpus: as short as the kernel's 1 ms least quota allows, so a process
// that used its share waits a few milliseconds for the next, not the 100
// ms of the kernel's default period, which alone would break a 200 ms
// bound over a request's several round trips.
func cpuPeriod(cpus float64) int {
	return min(max(int(1000/cpus), 1000), 100_000)
}

// cpuQuota is a cgroup of the cpu controller that limits its processes to
// a share of the CPUs.
type cpuQuota struct{ dir string }

// newCPUQuota makes a cgroup named name under root (cgroupRoot) allowed
// cpus CPUs (0.5 is half of one), on cgroup v2 or on v1's cpu controller.
// It needs root.
func newCPUQuota(root, name string, cpus float64) (*cpuQuota, error) {
	if cpus <= 0 {
		return nil, fmt.Errorf("a CPU share must be positive, not %v", cpus)
	}
	period := cpuPeriod(cpus)
	quota := strconv.Itoa(int(cpus * float64(period)))
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
	q := &cpuQuota{dir: dir}
	var err error
	if v2 {
		err = q.write("cpu.max", quota+" "+strconv.Itoa(period))
	} else {
		// The period first: the quota must fit in it.
		if err = q.write("cpu.cfs_period_us", strconv.Itoa(period)); err == nil {
			err = q.write("cpu.cfs_quota_us", quota)
		}
	}
	if err != nil {
		q.remove()
		return nil, fmt.Errorf("confining a server to %v CPUs: %w", cpus, err)
	}
	return q, nil
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
