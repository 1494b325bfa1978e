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
	Y       int // top of the bar
	Width   int // in SVG units, of funnelBarMax
	Percent string
}

// Chart geometry, in SVG user units.
const (
	funnelBarMax    = 260
	funnelBarHeight = 22
	funnelBarGap    = 8
	funnelLabelW    = 90
	FunnelWidth     = funnelLabelW + funnelBarMax + 90
	FunnelHeight    = 4*(funnelBarHeight+funnelBarGap) - funnelBarGap
)

// NewFunnelChart scales a funnel's steps against its invited count.
func NewFunnelChart(f store.Funnel) FunnelChart {
	steps := []struct {
		label string
		n     int
	}{{"Invitations", f.Invited}, {"Opened", f.Opened}, {"Started", f.Started}, {"Completed", f.Completed}}
	c := FunnelChart{Funnel: f}
	for i, s := range steps {
		b := FunnelBar{Label: s.label, Count: s.n, Y: i * (funnelBarHeight + funnelBarGap), Percent: "0%"}
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

func (b FunnelBar) textY() string  { return strconv.Itoa(b.Y + funnelBarHeight*2/3) }
func (b FunnelBar) barX() string   { return strconv.Itoa(funnelLabelW) }
func (b FunnelBar) countX() string { return strconv.Itoa(funnelLabelW + b.Width + 6) }
func (b FunnelBar) yStr() string   { return strconv.Itoa(b.Y) }
func (b FunnelBar) wStr() string   { return strconv.Itoa(b.Width) }
func (b FunnelBar) hStr() string   { return strconv.Itoa(funnelBarHeight) }
func funnelViewBox() string {
	return "0 0 " + strconv.Itoa(FunnelWidth) + " " + strconv.Itoa(FunnelHeight)
}
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
