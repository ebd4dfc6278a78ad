package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"
)

// Row is one figure beside its ceiling.
type Row struct {
	Group   string  `json:"group"`
	Name    string  `json:"name"`
	Ours    float64 `json:"ours"`
	Ceiling float64 `json:"ceiling"`
	Unit    string  `json:"unit"`
	// Ratio is ours/ceiling, or for Delta rows ours-ceiling.
	Ratio  float64 `json:"ratio"`
	Delta  bool    `json:"delta,omitempty"`
	Target string  `json:"target,omitempty"`
	Met    *bool   `json:"met,omitempty"`
	Note   string  `json:"note,omitempty"`
}

// atLeast is a row whose ratio must reach min (throughput).
func atLeast(r Row, min float64) Row {
	r.Ratio = safeDiv(r.Ours, r.Ceiling)
	met := r.Ratio >= min
	r.Target, r.Met = fmt.Sprintf(">= %.2f", min), &met
	return r
}

// atMost is a row whose ratio must not exceed max (time, size).
func atMost(r Row, max float64) Row {
	r.Ratio = safeDiv(r.Ours, r.Ceiling)
	met := r.Ratio <= max
	r.Target, r.Met = fmt.Sprintf("<= %.2f", max), &met
	return r
}

// deltaBelow is a row whose difference must stay under max (added latency).
func deltaBelow(r Row, max float64) Row {
	r.Ratio, r.Delta = r.Ours-r.Ceiling, true
	met := r.Ratio < max
	r.Target, r.Met = fmt.Sprintf("< %g %s", max, r.Unit), &met
	return r
}

// info is a row without a target.
func info(r Row) Row {
	r.Ratio = safeDiv(r.Ours, r.Ceiling)
	return r
}

func safeDiv(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// Report is results.json.
type Report struct {
	Machine  string    `json:"machine"`
	Started  time.Time `json:"started"`
	Duration string    `json:"duration"`
	Rows     []Row     `json:"rows"`
}

func (rep *Report) writeTable(w io.Writer) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "group\tfigure\tours\tceiling\tunit\tratio\ttarget\tmet\t")
	for _, r := range rep.Rows {
		met := ""
		if r.Met != nil {
			met = map[bool]string{true: "yes", false: "NO"}[*r.Met]
		}
		ratio := fmt.Sprintf("%.2f", r.Ratio)
		if r.Delta {
			ratio = fmt.Sprintf("%+.2f", r.Ratio)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.Group, r.Name, num(r.Ours), num(r.Ceiling), r.Unit, ratio, r.Target, met)
	}
	tw.Flush()
	for _, r := range rep.Rows {
		if r.Note != "" {
			fmt.Fprintf(w, "  %s %s: %s\n", r.Group, r.Name, r.Note)
		}
	}
}

func num(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 1:
		return fmt.Sprintf("%.2f", v)
	default:
		return fmt.Sprintf("%.3f", v)
	}
}

func (rep *Report) save(path string) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// missed lists the rows whose target was not met.
func (rep *Report) missed() []string {
	var out []string
	for _, r := range rep.Rows {
		if r.Met != nil && !*r.Met {
			out = append(out, strings.TrimSpace(r.Group+" "+r.Name))
		}
	}
	return out
}

// The generated block of docs/performance.md lies between these markers.
const (
	docBlockStart = "<!-- bench:start -->\n"
	docBlockEnd   = "<!-- bench:end -->"
)

// writeDoc replaces the generated block of the Markdown file at path with
// rep's table: the figures a reader sees are always the last run's.
func (rep *Report) writeDoc(path string) error {
	doc, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	start, end := bytes.Index(doc, []byte(docBlockStart)), bytes.Index(doc, []byte(docBlockEnd))
	if start < 0 || end < start {
		return fmt.Errorf("%s has no %q ... %q block", path, strings.TrimSpace(docBlockStart), docBlockEnd)
	}
	var b bytes.Buffer
	b.Write(doc[:start+len(docBlockStart)])
	rep.writeMarkdown(&b)
	b.Write(doc[end:])
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// writeMarkdown is the table for docs/performance.md.
func (rep *Report) writeMarkdown(w io.Writer) {
	fmt.Fprintf(w, "Measured %s on %s (%s).\n\n", rep.Started.Format("2006-01-02"), rep.Machine, rep.Duration)
	fmt.Fprintln(w, "| group | figure | ours | ceiling | unit | ratio | target | met |")
	fmt.Fprintln(w, "|---|---|---:|---:|---|---:|---|---|")
	for _, r := range rep.Rows {
		met := ""
		if r.Met != nil {
			met = map[bool]string{true: "yes", false: "**no**"}[*r.Met]
		}
		ratio := fmt.Sprintf("%.2f", r.Ratio)
		if r.Delta {
			ratio = fmt.Sprintf("%+.2f", r.Ratio)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", r.Group, r.Name, num(r.Ours), num(r.Ceiling), r.Unit, ratio, r.Target, met)
	}
}
