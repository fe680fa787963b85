package web

import (
	"strconv"

	"smartservice/internal/reports"
)

// The per-day chart is drawn by the server as SVG from the template
// (templates/pages/reports.html): two bars a day, created and completed, a
// scale and a few dates. A template rather than a plotting library: the chart
// is a few dozen rectangles whose colours must follow the page's stylesheet
// (light, dark, print) through classes, which gonum/plot's SVG does not give,
// and the page has no JavaScript. The numbers are in a table beside it.

// Chart geometry, in the viewBox's units: the SVG scales to the width it is
// given, so these are proportions, and the font size is chosen to read at
// 360 px (about 11 px there) and at the chart's widest (about 20 px).
const (
	chartW, chartH        = 400, 220
	chartLeft, chartRight = 34, 6
	chartTop, chartBottom = 10, 26
	chartPlotW            = chartW - chartLeft - chartRight
	chartPlotH            = chartH - chartTop - chartBottom
	chartMaxDateLabels    = 4
	chartFloat            = 'f'
)

// reportChart is what the template draws.
type reportChart struct {
	W, H, PlotBottom, PlotLeft, PlotRight string
	Bars                                  []chartBar
	Ticks                                 []chartTick
	Dates                                 []chartTick
}

// chartBar is one bar: its box, its class (created or completed) and the text
// a pointer shows.
type chartBar struct {
	X, Y, W, H, Class, Title string
}

// chartTick is a label on an axis and where it goes.
type chartTick struct {
	X, Y, Label string
}

func num(f float64) string { return strconv.FormatFloat(f, chartFloat, 1, 64) }

// niceMax rounds the highest day up to a scale that divides into halves: 1, 2,
// 4, 6, 10, 20, 40, 60, 100…
func niceMax(n int64) int64 {
	if n <= 1 {
		return 1
	}
	step := int64(1)
	for {
		for _, m := range []int64{1, 2, 4, 6, 10} {
			if n <= m*step {
				return m * step
			}
		}
		step *= 10
	}
}

// newReportChart lays out the days; label formats a day for the axis and title
// a bar's tooltip.
func newReportChart(days []reports.Day, dateLabel func(reports.Day) string, title func(reports.Day, bool) string) reportChart {
	c := reportChart{W: strconv.Itoa(chartW), H: strconv.Itoa(chartH), PlotBottom: num(chartTop + chartPlotH),
		PlotLeft: num(chartLeft), PlotRight: num(chartW - chartRight)}
	var top int64
	for _, d := range days {
		top = max(top, d.Created, d.Completed)
	}
	scale := niceMax(top)
	y := func(v int64) float64 { return chartTop + chartPlotH - float64(v)/float64(scale)*chartPlotH }
	for _, v := range []int64{0, scale / 2, scale} {
		if v == 0 && scale == 1 {
			c.Ticks = append(c.Ticks, chartTick{X: num(chartLeft - 4), Y: num(y(0)), Label: "0"})
			continue
		}
		if scale%2 != 0 && v == scale/2 {
			continue
		}
		c.Ticks = append(c.Ticks, chartTick{X: num(chartLeft - 4), Y: num(y(v)), Label: strconv.FormatInt(v, 10)})
	}
	n := len(days)
	if n == 0 {
		return c
	}
	slot := float64(chartPlotW) / float64(n)
	gap := slot * 0.15
	if n > 60 {
		gap = 0
	}
	bw := (slot - gap) / 2
	for i, d := range days {
		x := chartLeft + float64(i)*slot + gap/2
		for j, v := range []int64{d.Created, d.Completed} {
			if v == 0 {
				continue
			}
			class, done := "bar-created", false
			if j == 1 {
				class, done = "bar-completed", true
			}
			c.Bars = append(c.Bars, chartBar{X: num(x + float64(j)*bw), Y: num(y(v)), W: num(bw), H: num(y(0) - y(v)),
				Class: class, Title: title(d, done)})
		}
	}
	// A few dates under the axis: the first, the last and evenly between.
	step := max(1, (n-1+chartMaxDateLabels-2)/(chartMaxDateLabels-1))
	for i := 0; i < n; i += step {
		if n-1-i < step/2 && i != 0 {
			break
		}
		c.Dates = append(c.Dates, chartTick{X: num(chartLeft + (float64(i)+0.5)*slot), Y: num(chartH - 8), Label: dateLabel(days[i])})
	}
	if n > 1 {
		c.Dates = append(c.Dates, chartTick{X: num(chartLeft + (float64(n-1)+0.5)*slot), Y: num(chartH - 8), Label: dateLabel(days[n-1])})
	}
	return c
}
