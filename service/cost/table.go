package cost

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteTable prints estimates side by side, one row per category, each
// headed by its compute and, below it, its store.
func WriteTable(w io.Writer, all []Estimate) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	computes, stores := []string{"USD/month"}, []string{""}
	for _, e := range all {
		computes, stores = append(computes, e.Arch), append(stores, e.Store)
	}
	fmt.Fprintln(tw, strings.Join(computes, "\t")+"\t")
	fmt.Fprintln(tw, strings.Join(stores, "\t")+"\t")
	for _, cat := range []string{CatCompute, CatRequests, CatLB, CatDatabase, CatStorage, CatIPv4, CatNAT, CatLogs, CatDiscount} {
		if cat == CatDiscount && !hasCategory(all, cat) {
			continue // on demand: no discount row
		}
		row := []string{cat}
		for _, e := range all {
			sum, any := 0.0, false
			for _, it := range e.Items {
				if it.Category == cat {
					sum, any = sum+it.USD, true
				}
			}
			if any {
				row = append(row, fmt.Sprintf("%.2f", sum))
			} else {
				row = append(row, "-")
			}
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	total := []string{"total"}
	for _, e := range all {
		total = append(total, fmt.Sprintf("%.2f", e.TotalUSD))
	}
	fmt.Fprintln(tw, strings.Join(total, "\t")+"\t")
	perM := []string{"per 1M requests"}
	for _, e := range all {
		if e.Scale == nil {
			perM = append(perM, "-")
			continue
		}
		perM = append(perM, fmt.Sprintf("%.2f", e.Scale.USDPerMillionRequests))
	}
	fmt.Fprintln(tw, strings.Join(perM, "\t")+"\t")
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, e := range all {
		if e.Scale == nil {
			continue
		}
		if e.Scale.NextStep != "" {
			fmt.Fprintf(w, "next step (%s): %s at %s requests/month\n", e.Pair().Key(), e.Scale.NextStep, Human(e.Scale.NextStepAtRequests))
		}
		if e.Scale.DatabaseNextStep != "" {
			fmt.Fprintf(w, "next step (%s database): %s at %s requests/month\n", e.Pair().Key(), e.Scale.DatabaseNextStep, Human(e.Scale.DatabaseNextStepAtRequests))
		}
		if e.Scale.Database != "" {
			fmt.Fprintf(w, "note (%s): %s\n", e.Pair().Key(), e.Scale.Database)
		}
	}
	for _, e := range all {
		for _, n := range e.Notes {
			fmt.Fprintf(w, "note (%s): %s\n", e.Pair().Key(), n)
		}
		for _, c := range e.CannotCarry {
			fmt.Fprintf(w, "cannot carry the traffic (%s): %s\n", e.Pair().Key(), c)
		}
	}
	return nil
}

func hasCategory(all []Estimate, cat string) bool {
	for _, e := range all {
		for _, it := range e.Items {
			if it.Category == cat {
				return true
			}
		}
	}
	return false
}
