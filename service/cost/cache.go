package cost

import (
	"fmt"
	"math"
	"sort"

	"github.com/progresskit/progresskit/service/deploy"
)

// Assumptions of the read-cache break-even, named so they can be read and
// challenged. progresskit deploys no cache: this prices the one a design
// might put in front of each store by default, to say when it would pay
// for itself. A hit is a course view the cache answers. The node types
// are the cheapest the catalogue prices for each cache; a working set
// past their memory needs a larger node, which only raises the
// break-even.
const (
	CacheHitRatio       = 0.9
	DAXNodeType         = "dax.t3.small"
	ElastiCacheNodeType = "cache.t4g.micro"
)

// Cache names.
const (
	DAX         = "DAX"
	ElastiCache = "ElastiCache"
)

// cacheNodes is how many nodes a cache runs. In production (Multi-AZ, as
// the database is): DAX 3, one in each zone, as AWS recommends for
// production clusters; ElastiCache a primary and a replica to fail over
// to. Otherwise one.
func cacheNodes(cache string, multiAZ bool) int {
	switch {
	case !multiAZ:
		return 1
	case cache == DAX:
		return 3
	default:
		return 2
	}
}

// ReadCache is what a read cache in front of a store would cost and save:
// DAX in front of DynamoDB, ElastiCache in front of PostgreSQL.
type ReadCache struct {
	Store      string  `json:"store"`
	Cache      string  `json:"cache"`
	NodeType   string  `json:"nodeType"`
	Nodes      int     `json:"nodes"`
	MonthlyUSD float64 `json:"monthlyUSD"`
	HitRatio   float64 `json:"hitRatio"`
	// BreakEvenReadsPerMonth is the course views a month above which the
	// cache saves at least what it costs: for DAX the read units its hits
	// save; for ElastiCache the larger RDS class its hits put off, named
	// by PutsOffRDSClass, the database staying on KeepsRDSClass. 0: at no
	// volume (ElastiCache: no step between the catalogue's classes costs
	// more than the cache, or there are no reads to cache).
	BreakEvenReadsPerMonth float64 `json:"breakEvenReadsPerMonth"`
	PutsOffRDSClass        string  `json:"putsOffRdsClass,omitempty"`
	KeepsRDSClass          string  `json:"keepsRdsClass,omitempty"`
	// ReadsPerMonth are the traffic's course views, SavesUSD what the
	// cache would save at them and NetUSD what it would add: MonthlyUSD −
	// SavesUSD, negative where it pays for itself.
	ReadsPerMonth float64 `json:"readsPerMonth"`
	SavesUSD      float64 `json:"savesMonthlyUSD"`
	NetUSD        float64 `json:"netMonthlyUSD"`
	// Caveat is what the store would have to change for the cache to
	// work as priced.
	Caveat string `json:"caveat"`
}

// Caveats, one per cache.
const (
	daxCaveat = "DAX answers only eventually consistent reads and the store reads strongly consistent, so its views would have to change first " +
		"(which alone halves their read units), and DAX runs in a VPC, which Lambda on DynamoDB would have to join"
	elastiCacheCaveat = "progresskit has no cache code: the server would have to read views through it and drop a course's entry on every write"
)

// readCaches are each store's cache: its name, the node type it is
// priced on, and its caveat.
var readCaches = map[string]struct {
	cache, node, caveat string
	hour                func(Prices, string) (float64, error)
}{
	deploy.DynamoDB: {DAX, DAXNodeType, daxCaveat, Prices.daxHour},
	deploy.Postgres: {ElastiCache, ElastiCacheNodeType, elastiCacheCaveat, Prices.elastiCacheHour},
}

// ReadCache prices store's read cache at traffic t and sizing s.
func (m *Model) ReadCache(store string, t Traffic, s Deployment) (ReadCache, error) {
	spec, ok := readCaches[store]
	if !ok {
		return ReadCache{}, fmt.Errorf("unknown store %q", store)
	}
	hour, err := spec.hour(m.P, spec.node)
	if err != nil {
		return ReadCache{}, err
	}
	n := cacheNodes(spec.cache, s.MultiAZ)
	c := ReadCache{Store: store, Cache: spec.cache, NodeType: spec.node, Nodes: n, MonthlyUSD: round2(float64(n) * hour * m.Hours), HitRatio: CacheHitRatio,
		ReadsPerMonth: math.Round((1 - t.WriteRatio) * t.MonthlyRequests), Caveat: spec.caveat}
	var saves float64
	if store == deploy.DynamoDB {
		saves = m.daxSaving(&c, t)
	} else {
		saves = m.elastiCacheSaving(&c, t, s)
	}
	c.SavesUSD = round2(saves)
	c.NetUSD = round2(c.MonthlyUSD - c.SavesUSD)
	return c, nil
}

// daxSaving is what DAX saves at t, and sets its break-even: a hit saves
// the read units of a view, as the store reads them today; writes go
// through to the table as before.
func (m *Model) daxSaving(c *ReadCache, t Traffic) float64 {
	perRead := CacheHitRatio * StoreUnits(LessonsPerCourse(t)).RRUPerRead * m.P.DynamoRRUPerMillion.USD / 1e6
	if perRead > 0 {
		c.BreakEvenReadsPerMonth = math.Round(c.MonthlyUSD / perRead)
	}
	return c.ReadsPerMonth * perRead
}

// elastiCacheSaving is what ElastiCache saves at t, and sets its
// break-even: the cache's hits take their statements off the database,
// so it sustains more requests before it needs a larger class. It saves
// the difference between the class the traffic needs without it and the
// class it needs with it (Multi-AZ doubled, at the --pricing rate); it
// saves nothing on the proxy Lambda adds, which a smaller class would
// also cheapen.
func (m *Model) elastiCacheSaving(c *ReadCache, t Traffic, s Deployment) float64 {
	azs, rate := s.databaseCopies(), 1.0
	if m.Pricing == Reserved {
		rate = 1 - m.P.RDSReserved.USD
	}
	// With the cache a request costs the database share of the statements
	// it costs without.
	w := t.WriteRatio
	share := (w*statementsPerWrite + (1-w)*(1-CacheHitRatio)*statementsPerRead) / (w*statementsPerWrite + (1-w)*statementsPerRead)
	saves := func(requests float64) (usd float64, without, with string) {
		tr := t
		tr.MonthlyRequests = requests
		without, _ = m.databaseClass(s.RDSInstanceClass, tr)
		tr.MonthlyRequests = requests * share
		with, _ = m.databaseClass(s.RDSInstanceClass, tr)
		return azs * m.Hours * rate * (m.P.RDSInstanceHour[without].USD - m.P.RDSInstanceHour[with].USD), without, with
	}
	// The saving changes only where traffic passes a class's capacity,
	// without the cache or with it: the first such point past which it
	// covers the cache is the break-even.
	var bounds []float64
	for _, class := range m.P.RDSClasses() {
		if capacity := m.databaseCapacity(class, w); capacity > 0 {
			bounds = append(bounds, capacity, capacity/share)
		}
	}
	sort.Float64s(bounds)
	for _, b := range bounds {
		if usd, without, with := saves(math.Floor(b) + 1); w < 1 && round2(usd) >= c.MonthlyUSD {
			c.BreakEvenReadsPerMonth, c.PutsOffRDSClass, c.KeepsRDSClass = math.Round((1-w)*b), without, with
			break
		}
	}
	usd, _, _ := saves(t.MonthlyRequests)
	return usd
}

// Summary says in a sentence when the cache pays for itself, what it
// would add or save at the traffic, and its caveat.
func (c ReadCache) Summary() string {
	line := fmt.Sprintf("%s (%d × %s, $%.2f/month) ", c.Cache, c.Nodes, c.NodeType, c.MonthlyUSD)
	switch {
	case c.BreakEvenReadsPerMonth == 0:
		line += "pays for itself at no read volume the model reaches"
	default:
		line += fmt.Sprintf("pays for itself above %s reads/month at a %.0f%% hit ratio", Human(c.BreakEvenReadsPerMonth), c.HitRatio*100)
		if c.PutsOffRDSClass != "" {
			line += fmt.Sprintf(", where it keeps the database on %s rather than %s", c.KeepsRDSClass, c.PutsOffRDSClass)
		}
	}
	if c.NetUSD >= 0 {
		line += fmt.Sprintf("; at %s reads/month it would add $%.2f/month", Human(c.ReadsPerMonth), c.NetUSD)
	} else {
		line += fmt.Sprintf("; at %s reads/month it would save $%.2f/month", Human(c.ReadsPerMonth), -c.NetUSD)
	}
	return line + ". " + c.Caveat + "."
}
