package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/progresskit/progresskit/cdk/config"
	"github.com/progresskit/progresskit/service/cost"
	"github.com/progresskit/progresskit/service/deploy"
	"github.com/progresskit/progresskit/service/internal/envflag"
)

// defaultCDKJSON is where the cost commands look for cdk.json.
const defaultCDKJSON = "cdk.json"

// costFlags are the inputs every cost subcommand shares.
type costFlags struct {
	fs                                    *envflag.FlagSet
	env, cdkJSON, region, format          *string
	pricing, pricesFile                   *string
	requests, writeRatio, respBytes, peak *float64
	storedGB                              *float64
}

func newCostFlags(name string, stderr io.Writer) *costFlags {
	fs := newFlagSet(name, stderr)
	c := &costFlags{fs: fs}
	c.env = fs.String(flagEnv, config.DefaultEnv, "environment in cdk.json whose sizing and expected traffic to use")
	c.cdkJSON = fs.String(flagCDKJSON, defaultCDKJSON, "path of cdk.json")
	c.region = fs.String(flagRegion, "", "price region (default: the env's region): "+strings.Join(cost.Catalogue().RegionNames(), ", ")+", or one of --"+flagPrices)
	c.pricing = fs.String(flagPricing, string(cost.OnDemand), "on-demand, reserved (1-year no-upfront RDS and EC2 reserved instances) or savings-plan (1-year no-upfront Compute Savings Plan on Fargate and Lambda)")
	c.pricesFile = fs.String(flagPrices, "", "a JSON file in prices.json's schema whose figures replace or extend the catalogue's (your negotiated rates, another region)")
	c.format = fs.String(flagFormat, "table", "table or json")
	c.requests = fs.Float64(flagRequests, -1, "requests per month (default: the env's expected traffic)")
	c.writeRatio = fs.Float64(flagWriteRatio, -1, "share of requests that write, 0 to 1 (default: the env's)")
	c.respBytes = fs.Float64(flagResponseBytes, -1, "average response size in bytes (default: the env's)")
	c.peak = fs.Float64(flagPeak, -1, "peak-to-average ratio (default: the env's)")
	c.storedGB = fs.Float64(flagStoredGB, cost.DefaultStoredGB, "progress data held, GB")
	return c
}

// inputs resolves the model, traffic and sizing from cdk.json and flags.
func (c *costFlags) inputs() (*cost.Model, cost.Traffic, cost.Deployment, error) {
	b, err := os.ReadFile(*c.cdkJSON)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, cost.Traffic{}, cost.Deployment{}, fmt.Errorf("%s not found: run from the repository root or pass --%s", *c.cdkJSON, flagCDKJSON)
		}
		return nil, cost.Traffic{}, cost.Deployment{}, err
	}
	var doc struct{ Context map[string]any }
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, cost.Traffic{}, cost.Deployment{}, fmt.Errorf("%s: %w", *c.cdkJSON, err)
	}
	sel, err := config.Select(*c.env, "", "", doc.Context[config.ContextEnvironments])
	if err != nil {
		return nil, cost.Traffic{}, cost.Deployment{}, err
	}
	t, s := sel.Settings.CostInputs(*c.storedGB)
	for _, o := range []struct {
		v   float64
		dst *float64
	}{{*c.requests, &t.MonthlyRequests}, {*c.writeRatio, &t.WriteRatio}, {*c.respBytes, &t.AvgResponseBytes}, {*c.peak, &t.PeakToAverage}} {
		if o.v >= 0 {
			*o.dst = o.v
		}
	}
	if t.WriteRatio > 1 || t.AvgResponseBytes <= 0 || t.PeakToAverage < 1 {
		return nil, t, s, fmt.Errorf("--%s must be 0 to 1, --%s positive, --%s at least 1", flagWriteRatio, flagResponseBytes, flagPeak)
	}
	region := *c.region
	if region == "" {
		region = sel.Settings.Region
	}
	if *c.format != "table" && *c.format != "json" {
		return nil, t, s, fmt.Errorf("--%s %q: use table or json", flagFormat, *c.format)
	}
	pricing, err := cost.ParsePricing(*c.pricing)
	if err != nil {
		return nil, t, s, err
	}
	m, err := cost.NewModelWith(region, *c.pricesFile)
	if err != nil {
		return nil, t, s, err
	}
	m.Pricing = pricing
	return m, t, s, nil
}

func runCost(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "breakeven":
			return runCostBreakeven(args[1:], stdout, stderr)
		case "recommend":
			return runCostRecommend(args[1:], stdout, stderr)
		case "prices":
			return runCostPrices(args[1:], stdout, stderr)
		}
	}
	c := newCostFlags("cost", stderr)
	plotFile := c.fs.String(flagPlot, "", "also write the cost curves to FILE.svg or FILE.png")
	arch := c.fs.String(flagArch, "", "only this compute: "+strings.Join(deploy.Computes, ", ")+" (default: every one)")
	// No environment twin: PROGRESS_STORE is the server's store URL, which
	// an operator's shell may well hold.
	store := c.fs.FlagSet.String(flagStore, "", "only this store: "+strings.Join(deploy.Stores, ", ")+" (default: both; no environment twin, as "+envflag.EnvName(flagStore)+" is the server's store URL)")
	if err := c.fs.Parse(args); err != nil {
		return err
	}
	pairs, err := selectPairs(*arch, *store)
	if err != nil {
		return err
	}
	m, t, s, err := c.inputs()
	if err != nil {
		return err
	}
	all, err := m.Each(pairs, t, s)
	if err != nil {
		return err
	}
	if *plotFile != "" {
		if err := m.Plot(*plotFile, pairs, t, s); err != nil {
			return fmt.Errorf("--%s: %w", flagPlot, err)
		}
		fmt.Fprintf(stderr, "wrote %s\n", *plotFile)
	}
	// The read cache each store shown could have in front of it.
	var caches []cost.ReadCache
	for _, st := range deploy.Stores {
		if slices.ContainsFunc(pairs, func(p cost.Pair) bool { return p.Store == st }) {
			rc, err := m.ReadCache(st, t, s)
			if err != nil {
				return err
			}
			caches = append(caches, rc)
		}
	}
	if *c.format == "json" {
		return writeJSON(stdout, struct {
			Env        string           `json:"env"`
			Region     string           `json:"region"`
			Traffic    cost.Traffic     `json:"traffic"`
			Sizing     cost.Deployment  `json:"sizing"`
			Estimates  []cost.Estimate  `json:"estimates"`
			ReadCaches []cost.ReadCache `json:"readCaches"`
		}{*c.env, m.Region, t, s, all, caches})
	}
	fmt.Fprintf(stdout, "Monthly cost in %s at %s requests/month (write ratio %.2f, %.0f B responses, peak %.1f× average), env %s:\n\n",
		m.Region, cost.Human(t.MonthlyRequests), t.WriteRatio, t.AvgResponseBytes, t.PeakToAverage, *c.env)
	if err := cost.WriteTable(stdout, all); err != nil {
		return err
	}
	for _, rc := range caches {
		fmt.Fprintf(stdout, "read cache (%s): %s\n", rc.Store, rc.Summary())
	}
	return nil
}

// selectPairs are the pairs --arch and --store leave, in cost.Pairs
// order: every one when both are empty.
func selectPairs(arch, store string) ([]cost.Pair, error) {
	if arch != "" && !slices.Contains(deploy.Computes, arch) {
		return nil, fmt.Errorf("--%s %q: want one of %s", flagArch, arch, strings.Join(deploy.Computes, ", "))
	}
	if store != "" && !slices.Contains(deploy.Stores, store) {
		return nil, fmt.Errorf("--%s %q: want one of %s", flagStore, store, strings.Join(deploy.Stores, ", "))
	}
	var out []cost.Pair
	for _, p := range cost.Pairs() {
		if (arch == "" || p.Compute == arch) && (store == "" || p.Store == store) {
			out = append(out, p)
		}
	}
	return out, nil
}

func runCostBreakeven(args []string, stdout, stderr io.Writer) error {
	c := newCostFlags("cost breakeven", stderr)
	class := c.fs.String(flagRDSClass, "db.t3.micro", "RDS instance class")
	lessons := c.fs.Float64(flagLessons, 0, fmt.Sprintf("lessons per course, which sets what a course view reads (default: the traffic's answer size over %g bytes a lesson)", cost.ViewBytesPerLesson))
	if err := c.fs.Parse(args); err != nil {
		return err
	}
	m, t, s, err := c.inputs()
	if err != nil {
		return err
	}
	if *lessons == 0 {
		*lessons = cost.LessonsPerCourse(t)
	}
	b, err := m.RDSBreakEven(*class, t.WriteRatio, *lessons)
	if err != nil {
		return err
	}
	cross := m.Crossover(cost.DefaultPair(deploy.Lambda), cost.DefaultPair(deploy.Fargate), t, s, cost.SearchLo, cost.SearchHi)
	if *c.format == "json" {
		return writeJSON(stdout, struct {
			cost.BreakEven
			LambdaFargate float64 `json:"lambdaFargateCrossoverRequestsPerMonth"`
		}{b, cross})
	}
	fmt.Fprintf(stdout, "%s costs $%.2f/month (single-AZ, %.0f h, %s); DynamoDB on-demand costs $%.4f per million operations at write ratio %.2f,\n"+
		"so they cost the same at %s operations/month.\n"+
		"Counting one write unit per write instead: $%.4f per million, the same at %s operations/month.\n"+
		"They differ because %s.\n"+
		"Lambda + HTTP API stops being cheaper than Fargate + ALB at %s requests/month (env %s sizing).\n",
		b.RDSClass, b.RDSMonthlyUSD, m.Hours, b.Pricing, b.DynamoUSDPerMillion, b.WriteRatio, cost.Human(b.BreakEvenOpsPerMonth),
		b.SingleUnitUSDPerMillion, cost.Human(b.SingleUnitBreakEvenOps), b.WhyTheTwoDiffer, cost.Human(cross), *c.env)
	if b.PastCapacity() {
		fmt.Fprintf(stdout, "But %s sustains only %s operations/month at this write ratio: before it breaks even it is too small, so compare DynamoDB with a larger class.\n",
			b.RDSClass, cost.Human(b.RDSSustainedOpsPerMonth))
	}
	return nil
}

func runCostRecommend(args []string, stdout, stderr io.Writer) error {
	c := newCostFlags("cost recommend", stderr)
	relational := c.fs.Bool(flagRelational, false, "the team needs relational access (reporting joins, SQL analysts)")
	if err := c.fs.Parse(args); err != nil {
		return err
	}
	m, t, s, err := c.inputs()
	if err != nil {
		return err
	}
	r, err := m.Recommend(t, s, *relational)
	if err != nil {
		return err
	}
	if *c.format == "json" {
		return writeJSON(stdout, r)
	}
	if r.Arch != "" { // "": nothing carries the traffic, and the reasons say why
		fmt.Fprintf(stdout, "Pick %s (-c %s=%s -c %s=%s).\n", cost.Pair{Compute: r.Arch, Store: r.Store}.Title(), config.ContextArch, r.Arch, config.ContextStore, r.Store)
	}
	for _, line := range r.Reasons {
		fmt.Fprintln(stdout, line)
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// runCostPrices lists the catalogue: every figure with its source, date and
// whether it was checked against AWS's price list.
func runCostPrices(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("cost prices", stderr)
	region := fs.String(flagRegion, "", "one region (default: every region)")
	format := fs.String(flagFormat, "table", "table or json")
	pricesFile := fs.String(flagPrices, "", "overlay this prices file first, as the other cost commands do")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *format != "table" && *format != "json" {
		return fmt.Errorf("--%s %q: use table or json", flagFormat, *format)
	}
	tbl, err := cost.LoadTableWith(*pricesFile)
	if err != nil {
		return err
	}
	regions := tbl.RegionNames()
	if *region != "" {
		if _, err := tbl.Region(*region); err != nil {
			return err
		}
		regions = []string{*region}
	}
	var rows []cost.Figure
	for _, r := range regions {
		p, _ := tbl.Region(r)
		rows = append(rows, p.Figures(r)...)
	}
	if *format == "json" {
		return writeJSON(stdout, rows)
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "region\tfigure\tusd\tverified\tdate\tsource")
	for _, f := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%g\t%v\t%s\t%s\n", f.Region, f.Name, f.USD, f.Verified, f.Date, f.Source)
	}
	return tw.Flush()
}
