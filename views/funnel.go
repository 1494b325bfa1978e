package views

import (
	"strconv"

	"testgate/store"
)

// FunnelChart is a link's funnel laid out as horizontal bars for SVG.
type FunnelChart struct {
	Funnel store.Funnel
	Bars   []FunnelBar
}

// FunnelBar is one step of the funnel.
type FunnelBar struct {
	Label   string
	Count   int
	Width   int // in SVG units, of funnelBarMax
	Percent string
}

// funnelBarMax is a full bar's width in SVG units; the bar's SVG stretches
// to the room beside its label and count, whose text is the page's own
// (readable on a phone, which text scaled inside an SVG is not).
const funnelBarMax = 260

// NewFunnelChart scales a funnel's steps against its invited count.
func NewFunnelChart(f store.Funnel) FunnelChart {
	steps := []struct {
		label string
		n     int
	}{{"Invitations", f.Invited}, {"Opened", f.Opened}, {"Started", f.Started}, {"Completed", f.Completed}}
	c := FunnelChart{Funnel: f}
	for _, s := range steps {
		b := FunnelBar{Label: s.label, Count: s.n, Percent: "0%"}
		if f.Invited > 0 {
			b.Width = s.n * funnelBarMax / f.Invited
			b.Percent = strconv.Itoa(s.n*100/f.Invited) + "%"
		}
		if s.n > 0 && b.Width < 2 {
			b.Width = 2 // a non-zero step stays visible
		}
		c.Bars = append(c.Bars, b)
	}
	return c
}

func (b FunnelBar) wStr() string { return strconv.Itoa(b.Width) }
func funnelViewBox() string      { return "0 0 " + strconv.Itoa(funnelBarMax) + " 1" }
func (b FunnelBar) summary() string {
	return b.Label + ": " + strconv.Itoa(b.Count) + " (" + b.Percent + ")"
}

// name says whose funnel it is.
func (c FunnelChart) name() string {
	if c.Funnel.LinkID == 0 {
		return "all invitations"
	}
	return c.Funnel.LinkName
}
