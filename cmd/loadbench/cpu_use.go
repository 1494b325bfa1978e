package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Where a drive's CPU went: the servers, this client (with the delay proxy,
// which runs in it) and PostgreSQL, all on the same cores. It shows which
// part a rung ran out of: a second server process adds nothing when the
// database and the client already take the cores.

// userHz is the unit of /proc's CPU times: fixed at 100 by Linux's ABI.
const userHz = 100

// cpuUse is CPU time used so far, in seconds, by part.
type cpuUse struct{ servers, client, database float64 }

// cpuNow reads how much CPU time the servers, this process and every
// PostgreSQL process of this machine have used.
func cpuNow(servers []*server) cpuUse {
	var u cpuUse
	for _, s := range servers {
		u.servers += procCPU(strconv.Itoa(s.cmd.Process.Pid), false)
	}
	u.client = procCPU("self", false)
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		if comm, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "comm")); strings.TrimSpace(string(comm)) == "postgres" {
			// With its reaped children's: a backend that exited counts.
			u.database += procCPU(e.Name(), true)
		}
	}
	return u
}

// procCPU is a process's user and system time in seconds, with its reaped
// children's when asked; 0 when it is gone.
func procCPU(pid string, children bool) float64 {
	b, err := os.ReadFile(filepath.Join("/proc", pid, "stat"))
	if err != nil {
		return 0
	}
	return statCPU(string(b), children)
}

// statCPU reads the CPU times from a /proc/PID/stat line.
func statCPU(stat string, children bool) float64 {
	// The command name, in parentheses, may hold spaces and parentheses:
	// count fields after its last ")", where the state is field 3.
	end := strings.LastIndexByte(stat, ')')
	if end < 0 {
		return 0
	}
	f := strings.Fields(stat[end+1:])
	last := 12 // utime and stime: fields 14 and 15
	if children {
		last = 14 // and cutime, cstime
	}
	if len(f) <= last {
		return 0
	}
	var ticks int64
	for _, s := range f[11 : last+1] {
		n, _ := strconv.ParseInt(s, 10, 64)
		ticks += n
	}
	return float64(ticks) / userHz
}

// since is the CPU used between two readings as cores busy over d.
func (u cpuUse) since(before cpuUse, d time.Duration) cpuUse {
	s := d.Seconds()
	return cpuUse{(u.servers - before.servers) / s, (u.client - before.client) / s, (u.database - before.database) / s}
}

func (u cpuUse) String() string {
	return fmt.Sprintf("%.2f / %.2f / %.2f", u.servers, u.client, u.database)
}
