package main

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A process confined by the drive's -server-cpus is put in a cgroup of its
// own whose quota is its share of the shortest period the kernel takes, on
// either version of cgroups. The hierarchies are laid out in a temporary
// directory as the kernel shows them: CI's sandbox may not let a test make
// cgroups, and the bench checks for that before it starts (runDrive).
func TestCPUQuotaConfinesAProcess(t *testing.T) {
	for _, version := range []string{"v1", "v2"} {
		t.Run(version, func(t *testing.T) {
			root := t.TempDir()
			mark := filepath.Join(root, "cpu") // v1: a hierarchy per controller
			if version == "v2" {
				mark = filepath.Join(root, "cgroup.controllers") // v2: one hierarchy
				if err := os.WriteFile(mark, []byte("cpu io memory pids\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			} else if err := os.Mkdir(mark, 0o755); err != nil {
				t.Fatal(err)
			}
			q, err := newCPUQuota(root, "testgate-bench-4242", 0.25)
			if err != nil {
				t.Fatal(err)
			}
			if err := q.add(4242); err != nil {
				t.Fatal(err)
			}
			if quota, period := q.limit(t); quota != 1_000 || period != 4_000 {
				t.Errorf("quota %d µs per %d µs, want 1000 per 4000: a quarter of one CPU in the shortest period the kernel takes", quota, period)
			}
			if procs := read(t, filepath.Join(q.dir, "cgroup.procs")); procs != "4242" {
				t.Errorf("the cgroup holds %q, not the process 4242", procs)
			}
			if version == "v2" {
				if got := read(t, filepath.Join(root, "cgroup.subtree_control")); got != "+cpu" {
					t.Errorf("the root's subtree_control is %q: its children get no cpu controller", got)
				}
			}
		})
	}
}

// A share too small for a 1 ms quota in the longest period is refused
// before any cgroup is made.
func TestCPUQuotaRefusesTooSmallAShare(t *testing.T) {
	for _, cpus := range []float64{0, -1, 0.005} {
		root := t.TempDir()
		if _, err := newCPUQuota(root, "testgate-bench-none", cpus); err == nil {
			t.Errorf("a share of %v CPUs was taken", cpus)
		}
		if entries, _ := os.ReadDir(root); len(entries) != 0 {
			t.Errorf("a share of %v CPUs left %d entries in the hierarchy", cpus, len(entries))
		}
	}
}

// The period is as short as a quota of at least 1 ms allows (the kernel
// refuses less), a share of a whole CPU or more keeps the shortest period,
// and a share that does not divide 1 ms evenly still gets a quota of 1 ms or
// more that holds it to its share.
func TestCPULimit(t *testing.T) {
	for cpus, want := range map[float64]int{0.25: 4_000, 0.5: 2_000, 1: 1_000, 2: 1_000, 0.15: 6_667, 0.3: 3_334, 0.7: 1_429, 0.01: 100_000} {
		quota, period := cpuLimit(cpus)
		if period != want {
			t.Errorf("cpuLimit(%v): period %d µs, want %d", cpus, period, want)
		}
		if quota < 1_000 {
			t.Errorf("cpuLimit(%v): quota %d µs per %d µs, under the kernel's least 1,000", cpus, quota, period)
		}
		if share := float64(quota) / float64(period); math.Abs(share-cpus) > 0.01*cpus {
			t.Errorf("cpuLimit(%v): %d µs per %d µs is %.4f of a CPU", cpus, quota, period, share)
		}
	}
}

// limit reads the cgroup's quota and period back, on either version.
func (q *cpuQuota) limit(t *testing.T) (quota, period int) {
	t.Helper()
	if b, err := os.ReadFile(filepath.Join(q.dir, "cpu.max")); err == nil {
		f := strings.Fields(string(b))
		quota, _ = strconv.Atoi(f[0])
		period, _ = strconv.Atoi(f[1])
		return quota, period
	}
	quota, _ = strconv.Atoi(read(t, filepath.Join(q.dir, "cpu.cfs_quota_us")))
	period, _ = strconv.Atoi(read(t, filepath.Join(q.dir, "cpu.cfs_period_us")))
	return quota, period
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// The CPU a busy child uses shows under the servers, not the client.
func TestCPUNowCountsAServersTime(t *testing.T) {
	busy := exec.Command("sh", "-c", "while :; do :; done")
	if err := busy.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { busy.Process.Kill(); busy.Wait() })
	s := &server{cmd: busy}
	before := cpuNow([]*server{s})
	// Each reading walks /proc, client time of its own: few of them.
	for time.Sleep(300 * time.Millisecond); cpuNow([]*server{s}).servers-before.servers < 0.05; time.Sleep(250 * time.Millisecond) {
	}
	// Reaching here is the assertion (the test's deadline is the bound);
	// the client did not spin.
	if after := cpuNow([]*server{s}); after.client-before.client > after.servers-before.servers {
		t.Errorf("client %.2f s, servers %.2f s: the busy server's time went to the client", after.client-before.client, after.servers-before.servers)
	}
}

func TestStatCPUReadsANameWithSpaces(t *testing.T) {
	// A command name in /proc/PID/stat may hold spaces and parentheses.
	stat := "4242 (a (b) c) S 1 2 3 4 5 6 7 8 9 10 150 50 7 3 20 0 1 0\n"
	if got := statCPU(stat, false); got != 2 {
		t.Errorf("utime 150 + stime 50 ticks read as %v s, want 2", got)
	}
	if got := statCPU(stat, true); got != 2.1 {
		t.Errorf("with children's 7 + 3 ticks read as %v s, want 2.1", got)
	}
}
