package cost

import (
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/progresskit/progresskit/service/deploy"
)

// Plot range, requests per month.
const (
	PlotLo     = 1e5
	PlotHi     = 1e9
	plotPoints = 120
)

// computeColors colour each compute's curves; a pair on PostgreSQL is
// dashed.
var computeColors = map[string]color.Color{
	deploy.Lambda:  color.RGBA{R: 0xe4, G: 0x6c, B: 0x0a, A: 0xff},
	deploy.Fargate: color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	deploy.EC2:     color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
}

// plotTitle names what a pair deploys, front to back: "Lambda + HTTP API
// + RDS Proxy + RDS PostgreSQL".
func plotTitle(p Pair) string {
	front := map[string]string{deploy.Lambda: "Lambda + HTTP API", deploy.Fargate: "Fargate + ALB", deploy.EC2: "EC2 + ALB"}[p.Compute]
	switch {
	case p.Store == deploy.Postgres && p.Compute == deploy.Lambda:
		return front + " + RDS Proxy + RDS PostgreSQL"
	case p.Store == deploy.Postgres:
		return front + " + RDS PostgreSQL"
	}
	return front + " + " + deploy.StoreTitle(p.Store)
}

// Plot writes the cost curves of pairs (monthly cost against requests per
// month, both on log scales) with the crossings of each compute's default
// pair marked, to path (.svg or .png).
func (m *Model) Plot(path string, pairs []Pair, t Traffic, s Deployment) error {
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".svg" && ext != ".png" {
		return fmt.Errorf("%s: use a .svg or .png file", path)
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("progresskit monthly cost, %s (write ratio %.2f, %.0f B responses)", m.Region, t.WriteRatio, t.AvgResponseBytes)
	p.X.Label.Text = "requests per month"
	p.Y.Label.Text = "USD per month"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.YOffs = -vg.Points(6)
	p.Add(plotter.NewGrid())

	for _, pair := range pairs {
		pts := make(plotter.XYs, plotPoints)
		for i := range pts {
			r := PlotLo * math.Pow(PlotHi/PlotLo, float64(i)/float64(plotPoints-1))
			pts[i].X, pts[i].Y = r, m.Total(pair, t, s, r)
		}
		line, err := plotter.NewLine(pts)
		if err != nil {
			return err
		}
		line.Color, line.Width = computeColors[pair.Compute], vg.Points(2)
		if pair.Store == deploy.Postgres {
			line.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		}
		p.Add(line)
		p.Legend.Add(plotTitle(pair), line)
	}

	var defaults []Pair
	for _, pair := range pairs {
		if pair == DefaultPair(pair.Compute) {
			defaults = append(defaults, pair)
		}
	}
	var marks plotter.XYs
	var labels []string
	for i, a := range defaults {
		for _, b := range defaults[i+1:] {
			x := m.Crossover(a, b, t, s, PlotLo, PlotHi)
			if x <= PlotLo || x == 0 {
				continue
			}
			y := m.Total(a, t, s, x)
			marks = append(marks, plotter.XY{X: x, Y: y})
			labels = append(labels, fmt.Sprintf(" %s = %s at %s/mo ($%.0f)", a.Key(), b.Key(), Human(x), y))
		}
	}
	if len(marks) > 0 {
		sc, err := plotter.NewScatter(marks)
		if err != nil {
			return err
		}
		sc.GlyphStyle.Shape, sc.GlyphStyle.Radius = draw.CircleGlyph{}, vg.Points(4)
		p.Add(sc)
		// Crossings often sit close together: stagger their labels below
		// the curves so they stay readable.
		for i := range marks {
			lb, err := plotter.NewLabels(plotter.XYLabels{XYs: marks[i : i+1], Labels: labels[i : i+1]})
			if err != nil {
				return err
			}
			lb.Offset = vg.Point{X: vg.Points(8), Y: -vg.Points(float64(18 + 16*i))}
			p.Add(lb)
		}
	}
	return p.Save(10*vg.Inch, 6*vg.Inch, path)
}
