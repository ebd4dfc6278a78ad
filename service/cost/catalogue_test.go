package cost

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// The sizes teams pick have a price in every region of the catalogue.
func TestCatalogueCoversWhatTeamsPick(t *testing.T) {
	tbl, err := LoadTable()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ap-south-1", "eu-west-1", "eu-west-2", "us-east-1"}
	if got := tbl.RegionNames(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("regions %v, want %v", got, want)
	}
	var rds, ec2 []string
	for _, fam := range []string{"db.t3", "db.t4g"} {
		for _, size := range []string{"micro", "small", "medium", "large"} {
			rds = append(rds, fam+"."+size)
		}
	}
	for _, fam := range []string{"db.m6g", "db.m7g"} {
		for _, size := range []string{"large", "xlarge", "2xlarge"} {
			rds = append(rds, fam+"."+size)
		}
	}
	for _, fam := range []string{"t3", "t4g"} {
		for _, size := range []string{"nano", "micro", "small", "medium", "large", "xlarge"} {
			ec2 = append(ec2, fam+"."+size)
		}
	}
	for _, fam := range []string{"m6g", "m7g", "c7g"} {
		for _, size := range []string{"large", "xlarge", "2xlarge"} {
			ec2 = append(ec2, fam+"."+size)
		}
	}
	for _, r := range want {
		p, _ := tbl.Region(r)
		for _, c := range rds {
			price, ok := p.RDSInstanceHour[c]
			if !ok || price.USD <= 0 || price.Source == "" || price.Date == "" {
				t.Errorf("%s: RDS %s: %+v", r, c, price)
			}
		}
		for _, c := range ec2 {
			price, ok := p.EC2InstanceHour[c]
			if !ok || price.USD <= 0 || price.Source == "" || price.Date == "" {
				t.Errorf("%s: EC2 %s: %+v", r, c, price)
			}
		}
		// The read caches a design might add: DAX's small burstable node
		// and a memory-optimised one, ElastiCache's two smallest Graviton.
		for what, nodes := range map[string]map[string]Price{"DAX": p.DAXNodeHour, "ElastiCache": p.ElastiCacheNodeHour} {
			want := map[string][]string{"DAX": {"dax.t3.small", "dax.r5.large"}, "ElastiCache": {"cache.t4g.micro", "cache.t4g.small"}}[what]
			for _, c := range want {
				price, ok := nodes[c]
				if !ok || price.USD <= 0 || price.Source == "" || price.Date == "" {
					t.Errorf("%s: %s %s: %+v", r, what, c, price)
				}
			}
		}
		if p.RDSProxyVCPUHour.USD <= 0 {
			t.Errorf("%s: RDS Proxy: %+v", r, p.RDSProxyVCPUHour)
		}
	}
}

// The issue's own example: db.t3.small at 50% writes no longer fails, and
// a misspelt class or region names the nearest ones.
func TestUnknownNamesSuggestTheNearest(t *testing.T) {
	m, err := NewModel("us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.P.rdsHour("db.t3.small"); err != nil {
		t.Fatalf("db.t3.small: %v", err)
	}
	_, err = m.P.rdsHour("db.t3.smal")
	if err == nil || !strings.Contains(err.Error(), "nearest known: db.t3.small") {
		t.Errorf("misspelt class: %v", err)
	}
	_, err = m.P.ec2Hour("m7g.larg")
	if err == nil || !strings.Contains(err.Error(), "nearest known: m7g.large") {
		t.Errorf("misspelt type: %v", err)
	}
	if _, err := NewModel("eu-west-9"); err == nil || !strings.Contains(err.Error(), "nearest known: eu-west-1") {
		t.Errorf("unknown region: %v", err)
	}
}

// The catalogue describes each class once and prices it in every region,
// so any class can be estimated and stepped, and a class cdk.json may name
// never meets "no price".
func TestCatalogueDescribesWhatItPrices(t *testing.T) {
	tbl, _ := LoadTable()
	for name, it := range tbl.EC2InstanceTypes {
		if it.VCPUs <= 0 {
			t.Errorf("EC2 %s: %+v", name, it)
		}
	}
	for name, c := range tbl.RDSInstanceClasses {
		if c.VCPUs <= 0 || c.Baseline <= 0 || c.Baseline > 1 {
			t.Errorf("RDS %s: %+v", name, c)
		}
	}
	for _, r := range tbl.RegionNames() {
		p, _ := tbl.Region(r)
		if got, want := p.EC2Types(), keys(tbl.EC2InstanceTypes); !slices.Equal(got, want) {
			t.Errorf("%s prices EC2 types %v, the catalogue describes %v", r, got, want)
		}
		if got, want := p.RDSClasses(), tbl.RDSClassNames(); !slices.Equal(got, want) {
			t.Errorf("%s prices RDS classes %v, the catalogue describes %v", r, got, want)
		}
	}
}

// A deployment runs arm64 only: the Graviton types, never t3.
func TestArm64EC2Types(t *testing.T) {
	got := Catalogue().Arm64EC2Types()
	if !slices.Contains(got, "t4g.small") || !slices.Contains(got, "c7g.2xlarge") || slices.Contains(got, "t3.small") {
		t.Errorf("arm64 types %v", got)
	}
	if len(got) != 15 {
		t.Errorf("%d arm64 types, want t4g nano to xlarge and m6g, m7g, c7g large to 2xlarge: %v", len(got), got)
	}
}

// A figure derived from us-east-1's says so in its source, "derived:
// us-east-1 × R", and is us-east-1's figure times R (rounded to the
// catalogue's precision): the ratio it names is the one it used.
func TestDerivedFiguresFollowTheirRatio(t *testing.T) {
	tbl, _ := LoadTable()
	us, _ := tbl.Region("us-east-1")
	base := map[string]float64{}
	for _, f := range us.Figures("us-east-1") {
		base[f.Name] = f.USD
	}
	derived := 0
	for _, r := range tbl.RegionNames() {
		p, _ := tbl.Region(r)
		for _, f := range p.Figures(r) {
			if f.Source == "" || f.Date == "" || f.Verified {
				t.Errorf("%s %s: %+v: every catalogue figure has a source and a date, and none is checked against AWS's price list yet", r, f.Name, f.Price)
			}
			var ratio float64
			if _, err := fmt.Sscanf(f.Source, "derived: us-east-1 × %g ", &ratio); err != nil {
				continue
			}
			derived++
			want := base[f.Name] * ratio
			if math.Abs(f.USD-want) > max(5e-5, 1e-4*want) || !strings.Contains(f.Source, "not checked against the AWS price list") {
				t.Errorf("%s %s: $%g from %q, want us-east-1's $%g × %g = $%g", r, f.Name, f.USD, f.Source, base[f.Name], ratio, want)
			}
		}
	}
	if derived < 100 {
		t.Errorf("only %d derived figures: does the source still say \"derived: us-east-1 × R\"?", derived)
	}
}
