package cost

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
)

//go:embed prices.json
var pricesJSON []byte

// Price is one figure with where it came from.
type Price struct {
	USD      float64 `json:"usd"`
	Source   string  `json:"source"`
	Date     string  `json:"date"`
	Verified bool    `json:"verified"`
}

// Prices are one region's figures.
type Prices struct {
	LambdaRequestPerMillion Price `json:"lambdaRequestPerMillion"`
	LambdaGBSecondArm64     Price `json:"lambdaGBSecondArm64"`
	LambdaGBSecondX86       Price `json:"lambdaGBSecondX86"`
	HTTPAPIPerMillion       Price `json:"httpApiPerMillion"`
	RESTAPIPerMillion       Price `json:"restApiPerMillion"`
	DynamoWRUPerMillion     Price `json:"dynamodbWRUPerMillion"`
	DynamoRRUPerMillion     Price `json:"dynamodbRRUPerMillion"`
	DynamoStorageGBMonth    Price `json:"dynamodbStorageGBMonth"`
	DynamoPITRGBMonth       Price `json:"dynamodbPITRGBMonth"`
	FargateVCPUHourArm64    Price `json:"fargateVCPUHourArm64"`
	FargateGBHourArm64      Price `json:"fargateGBHourArm64"`
	FargateVCPUHourX86      Price `json:"fargateVCPUHourX86"`
	FargateGBHourX86        Price `json:"fargateGBHourX86"`
	FargateSpotDiscount     Price `json:"fargateSpotDiscount"`
	ALBHour                 Price `json:"albHour"`
	ALBLCUHour              Price `json:"albLCUHour"`
	PublicIPv4Hour          Price `json:"publicIPv4Hour"`
	NATGatewayHour          Price `json:"natGatewayHour"`
	NATGatewayGB            Price `json:"natGatewayGB"`
	LogsIngestGB            Price `json:"cloudwatchLogsIngestGB"`
	RDSStorageGBMonth       Price `json:"rdsStorageGBMonthGp3"`
	// RDSProxyVCPUHour is RDS Proxy's price per vCPU of the instance it
	// fronts (see RDSProxyMinVCPUs).
	RDSProxyVCPUHour Price `json:"rdsProxyVCPUHour"`
	// Discounts are fractions off on-demand, not dollars.
	RDSReserved        Price `json:"rdsReserved1yNoUpfront"`
	EC2Reserved        Price `json:"ec2Reserved1yNoUpfront"`
	SavingsPlanFargate Price `json:"savingsPlanFargate1yNoUpfront"`
	SavingsPlanLambda  Price `json:"savingsPlanLambda1yNoUpfront"`
	// Per-class figures: a price for each class, type or node type.
	RDSInstanceHour map[string]Price `json:"rdsInstanceHour"`
	EC2InstanceHour map[string]Price `json:"ec2InstanceHour"`
	// DAXNodeHour and ElastiCacheNodeHour price the read caches a design
	// might put in front of each store (see ReadCache); progresskit
	// deploys neither.
	DAXNodeHour         map[string]Price `json:"daxNodeHour"`
	ElastiCacheNodeHour map[string]Price `json:"elasticacheNodeHour"`
}

// EC2Type is what the catalogue knows of an EC2 instance type besides its
// price.
type EC2Type struct {
	VCPUs float64 `json:"vCPUs"`
	// Arm64 marks a Graviton type, the only kind a deployment may run:
	// the server is built for arm64.
	Arm64 bool `json:"arm64"`
}

// RDSClass is what the catalogue knows of an RDS class besides its price:
// its vCPUs and the share of them it can use all the time. Burstable
// classes (db.t3, db.t4g) run at a baseline and spend credits above it, so
// their sustained capacity is the baseline, as AWS publishes it per size.
type RDSClass struct {
	VCPUs    float64 `json:"vCPUs"`
	Baseline float64 `json:"baseline"` // 1 for fixed-performance classes
}

// Table is the whole catalogue: the classes it describes, and each
// region's prices.
type Table struct {
	Comment            string              `json:"_comment,omitempty"`
	HoursPerMonth      float64             `json:"hoursPerMonth"`
	EC2InstanceTypes   map[string]EC2Type  `json:"ec2InstanceTypes"`
	RDSInstanceClasses map[string]RDSClass `json:"rdsInstanceClasses"`
	Regions            map[string]Prices   `json:"regions"`
}

// LoadTable reads the embedded price table.
func LoadTable() (*Table, error) {
	var t Table
	if err := json.Unmarshal(pricesJSON, &t); err != nil {
		return nil, fmt.Errorf("price table: %w", err)
	}
	return &t, nil
}

var catalogue = sync.OnceValues(LoadTable)

// Catalogue is the embedded table, read once and shared, so callers must
// not change it (LoadTable gives one of their own). It is what cdk.json may
// name: its tests keep it readable, so an error here is a broken build.
func Catalogue() *Table {
	t, err := catalogue()
	if err != nil {
		panic(err)
	}
	return t
}

// Arm64EC2Types lists the arm64 (Graviton) types the table describes, by
// name: those a deployment may run.
func (t *Table) Arm64EC2Types() []string {
	var out []string
	for name, it := range t.EC2InstanceTypes {
		if it.Arm64 {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// RDSClassNames lists the RDS classes the table describes, by name.
func (t *Table) RDSClassNames() []string { return keys(t.RDSInstanceClasses) }

// LoadTableWith reads the embedded table and, when pricesFile is set,
// overlays it: a JSON file in the table's own schema whose figures replace
// or extend the embedded ones (negotiated rates, a verified figure, a
// region the table does not ship). A misspelt field is an error, and so
// is a region left without a figure the model needs.
func LoadTableWith(pricesFile string) (*Table, error) {
	if pricesFile == "" {
		return LoadTable()
	}
	over, err := readOverlay(pricesFile)
	if err != nil {
		return nil, err
	}
	var base map[string]any
	if err := json.Unmarshal(pricesJSON, &base); err != nil {
		return nil, err
	}
	merged, err := json.Marshal(deepMerge(base, over))
	if err != nil {
		return nil, err
	}
	t, err := decodeStrict(merged)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pricesFile, err)
	}
	for name, p := range t.Regions {
		if missing := missingFigures(p); len(missing) > 0 {
			return nil, fmt.Errorf("%s: region %s lacks %v", pricesFile, name, missing)
		}
	}
	return t, nil
}

// Region returns a region's prices, or an error listing the known ones.
func (t *Table) Region(name string) (Prices, error) {
	p, ok := t.Regions[name]
	if !ok {
		return Prices{}, fmt.Errorf("no prices for region %q; nearest known: %s", name, strings.Join(Nearest(name, t.RegionNames()), ", "))
	}
	return p, nil
}

// RegionNames lists the regions the table covers.
func (t *Table) RegionNames() []string {
	out := make([]string, 0, len(t.Regions))
	for r := range t.Regions {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// rdsHour, ec2Hour, daxHour and elastiCacheHour are the hourly price of a
// class or node type, or an error naming the nearest the region prices.
func (p Prices) rdsHour(class string) (float64, error) {
	return hourOf("RDS class", p.RDSInstanceHour, class)
}

func (p Prices) ec2Hour(itype string) (float64, error) {
	return hourOf("EC2 type", p.EC2InstanceHour, itype)
}

func (p Prices) daxHour(node string) (float64, error) {
	return hourOf("DAX node type", p.DAXNodeHour, node)
}

func (p Prices) elastiCacheHour(node string) (float64, error) {
	return hourOf("ElastiCache node type", p.ElastiCacheNodeHour, node)
}

// hourOf is the price of name in a per-class figure, or an error naming
// the nearest that it prices.
func hourOf(what string, prices map[string]Price, name string) (float64, error) {
	v, ok := prices[name]
	if !ok {
		return 0, fmt.Errorf("no price for %s %q; nearest known: %s", what, name, strings.Join(Nearest(name, keys(prices)), ", "))
	}
	return v.USD, nil
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// RDSClasses and EC2Types are the names the region prices.
func (p Prices) RDSClasses() []string { return keys(p.RDSInstanceHour) }
func (p Prices) EC2Types() []string   { return keys(p.EC2InstanceHour) }

// nearestCount is how many names an unknown one is answered with.
const nearestCount = 3

// Nearest returns the known names closest to name by edit distance, the
// closest first (ties in name order).
func Nearest(name string, known []string) []string {
	type cand struct {
		name string
		d    int
	}
	cands := make([]cand, len(known))
	for i, k := range known {
		cands[i] = cand{k, editDistance(name, k)}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].d != cands[j].d {
			return cands[i].d < cands[j].d
		}
		return cands[i].name < cands[j].name
	})
	out := []string{}
	for _, c := range cands[:min(nearestCount, len(cands))] {
		out = append(out, c.name)
	}
	return out
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// Figure is one catalogue entry, flattened for listing.
type Figure struct {
	Region string `json:"region"`
	Name   string `json:"name"` // the prices.json key, with the class for per-class figures
	Price
}

// Figures lists region's figures in a stable order: scalars as in
// prices.json, then each per-class figure's classes by name
// ("rdsInstanceHour.db.t4g.micro").
func (p Prices) Figures(region string) []Figure {
	var out []Figure
	v, typ := reflect.ValueOf(p), reflect.TypeOf(p)
	for i := range typ.NumField() {
		if price, ok := v.Field(i).Interface().(Price); ok {
			out = append(out, Figure{Region: region, Name: typ.Field(i).Tag.Get("json"), Price: price})
		}
	}
	for i := range typ.NumField() {
		if classes, ok := v.Field(i).Interface().(map[string]Price); ok {
			for _, c := range keys(classes) {
				out = append(out, Figure{Region: region, Name: typ.Field(i).Tag.Get("json") + "." + c, Price: classes[c]})
			}
		}
	}
	return out
}

// perClassFigures are the prices.json keys of a region's per-class
// figures.
var perClassFigures = func() map[string]bool {
	out := map[string]bool{}
	typ := reflect.TypeOf(Prices{})
	for i := range typ.NumField() {
		if typ.Field(i).Type == reflect.TypeOf(map[string]Price{}) {
			out[typ.Field(i).Tag.Get("json")] = true
		}
	}
	return out
}()
