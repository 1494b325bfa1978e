package views

import (
	"fmt"
	"math"
	"strconv"

	"testgate/store"
)

// StatisticsView is a test's question statistics.
type StatisticsView struct {
	Test  store.Test
	Stats store.TestStatistics
}

// statFigure prints a figure to two decimals, or a dash for one the data
// cannot give.
func statFigure(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}

// statPercent prints a share (0–1) as a whole percentage, or a dash.
func statPercent(share float64) string {
	if math.IsNaN(share) {
		return "—"
	}
	return strconv.Itoa(int(math.Round(share*100))) + " %"
}

// statScore prints a score percentage to one decimal, or a dash.
func statScore(percent float64) string {
	if math.IsNaN(percent) {
		return "—"
	}
	return strconv.FormatFloat(percent, 'f', 1, 64) + " %"
}

// statSeconds prints a median time, or a dash when no page measured one.
func statSeconds(s float64) string {
	if math.IsNaN(s) {
		return "—"
	}
	return strconv.Itoa(int(math.Round(s))) + " s"
}

// histogramRange names a histogram bin: "0–10 %", …, "90–100 %".
func histogramRange(bin int) string { return fmt.Sprintf("%d–%d %%", bin*10, bin*10+10) }

// Bar is one bar of a chart drawn in SVG, in the chart's own units.
type Bar struct {
	X, Y, Width, Height float64
	Label               string // under the bar
}

// chart geometry: a viewBox of chartWidth × chartHeight (statistics.templ
// draws the same), scaled to the page's width (at least 1.4 times on a
// phone, so 11-unit labels read at 15 px), with room below the bars for
// the labels.
const (
	chartWidth = 240.0
	chartBase  = 125.0 // the bars' baseline
)

// histogramBars are the score histogram's ten bars.
func histogramBars(h [10]int) []Bar {
	most := 1
	for _, n := range h {
		most = max(most, n)
	}
	bars := make([]Bar, len(h))
	step := chartWidth / float64(len(h))
	for i, n := range h {
		height := (chartBase - 10) * float64(n) / float64(most)
		bars[i] = Bar{X: float64(i)*step + 2, Y: chartBase - height, Width: step - 4, Height: height,
			Label: strconv.Itoa(i * 10)}
	}
	return bars
}

// facilityBars are each question's facility, a bar per question.
func facilityBars(qs []store.QuestionStatistics) []Bar {
	if len(qs) == 0 {
		return nil
	}
	step := chartWidth / float64(len(qs))
	bars := make([]Bar, len(qs))
	for i, q := range qs {
		f := q.Facility
		if math.IsNaN(f) {
			f = 0
		}
		height := (chartBase - 10) * f
		bars[i] = Bar{X: float64(i)*step + step*0.1, Y: chartBase - height, Width: step * 0.8, Height: height,
			Label: strconv.Itoa(i + 1)}
	}
	return bars
}

// showBarLabels says whether a chart of n bars has room for a label under
// each: two digits need 24 units.
func showBarLabels(n int) bool { return n <= 10 }

func svgNum(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }
