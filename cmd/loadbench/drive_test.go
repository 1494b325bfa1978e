package main

import "testing"

// After the first rung that fails, the drive tries once halfway to it, to
// the nearest 50: the ladder's steps are a fifth of N near the knee.
func TestHalfwayRung(t *testing.T) {
	for _, c := range []struct {
		held, failed, want int
		between            bool
	}{
		{2500, 3000, 2750, true},
		{3000, 3500, 3250, true},
		{10000, 12500, 11250, true},
		{0, 1000, 500, true},
		{0, 250, 150, true},
		{1000, 1050, 1050, false},
		{1000, 1100, 1050, true},
		{1000, 1000, 1000, false},
	} {
		m, between := halfway(c.held, c.failed)
		if between != c.between || (between && m != c.want) {
			t.Errorf("halfway(%d, %d) = %d, %v; want %d, %v", c.held, c.failed, m, between, c.want, c.between)
		}
	}
}
