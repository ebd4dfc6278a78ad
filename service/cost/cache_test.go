package cost

import (
	"strings"
	"testing"

	"github.com/progresskit/progresskit/service/deploy"
)

// DAX in front of DynamoDB, worked by hand from the us-east-1 figures.
//
// A production cluster is 3 dax.t3.small nodes at $0.04 an hour: 3 × 0.04
// × 730 = $87.60 a month. 1,500-byte answers are 10-lesson courses, whose
// view reads 2 read units (TestRequestUnits) at $0.125 per million. At a
// 90% hit ratio a million views save 0.9 × 2 × $0.125 = $0.225, so the
// cluster pays for itself at 87.60 / 0.225 = 389.33 million views a month
// (389,333,333). One node, outside production, costs $29.20: 129,777,778.
//
// At 20M requests with 40% writes there are 12M views: they save 12 ×
// $0.225 = $2.70, and the cluster adds 87.60 − 2.70 = $84.90.
func TestDAXBreakEven(t *testing.T) {
	m := model(t, "us-east-1")
	tr := Traffic{MonthlyRequests: 20e6, WriteRatio: 0.4, AvgResponseBytes: 1500, PeakToAverage: 1}
	prod := small
	prod.MultiAZ = true
	c, err := m.ReadCache(deploy.DynamoDB, tr, prod)
	if err != nil {
		t.Fatal(err)
	}
	want := ReadCache{Store: deploy.DynamoDB, Cache: DAX, NodeType: "dax.t3.small", Nodes: 3, MonthlyUSD: 87.60, HitRatio: 0.9,
		BreakEvenReadsPerMonth: 389333333, ReadsPerMonth: 12e6, SavesUSD: 2.70, NetUSD: 84.90, Caveat: daxCaveat}
	if c != want {
		t.Errorf("DAX:\n got %+v\nwant %+v", c, want)
	}
	dev, _ := m.ReadCache(deploy.DynamoDB, tr, small)
	if dev.Nodes != 1 || dev.MonthlyUSD != 29.20 || dev.BreakEvenReadsPerMonth != 129777778 {
		t.Errorf("one node: %+v", dev)
	}
	for _, say := range []string{"DAX (3 × dax.t3.small, $87.60/month) pays for itself above 389M reads/month at a 90% hit ratio",
		"at 12M reads/month it would add $84.90/month", "strongly consistent"} {
		if !strings.Contains(c.Summary(), say) {
			t.Errorf("the summary does not say %q: %s", say, c.Summary())
		}
	}
}

// ElastiCache in front of PostgreSQL, worked by hand from the us-east-1
// figures, single-AZ on db.t4g.micro at half writes.
//
// A request is 1.5 statements (a write 2, a read 1); with 90% of reads
// answered by the cache, 0.5 × 2 + 0.5 × 0.1 = 1.05, so the database sees
// 0.7 of the statements. The classes sustain (vCPUs × baseline × 1500 ×
// 0.6 / 1.5 requests a second, × 730 × 3600 a month): the micros 315.36M,
// the smalls and mediums 630.72M, the larges 946.08M, db.m6g.large 3.15B.
// With the cache each carries 1/0.7 as much: the micros 450.51M.
//
// With a cache.t4g.micro at its catalogue $0.016 (730 × 0.016 = $11.68):
// just past 315.36M requests the database moves from db.t4g.micro to
// db.t4g.small ($0.032) without the cache and stays on db.t4g.micro with
// it, saving 730 × 0.016 = $11.68, all the node costs. So it pays for
// itself from there: half of 315.36M, 157.68M views.
//
// Priced at $0.02 an hour ($14.60) that step is not enough. Past 450.51M
// the cached database needs db.t4g.small too and the cache saves nothing;
// just past 630.72M the database needs db.t4g.large ($0.129, under
// db.t3.large's $0.145) without it, and db.t4g.small with it (441.5M):
// 730 × (0.129 − 0.032) = $70.81. The break-even is 315.36M views; at
// 700M requests, 350M views, it saves $70.81 and costs $14.60: −$56.21.
func TestElastiCacheBreakEven(t *testing.T) {
	m := model(t, "us-east-1")
	tr := Traffic{MonthlyRequests: 10e6, WriteRatio: 0.5, AvgResponseBytes: 1500, PeakToAverage: 1}
	c, err := m.ReadCache(deploy.Postgres, tr, small)
	if err != nil {
		t.Fatal(err)
	}
	if c.Nodes != 1 || c.MonthlyUSD != 11.68 || c.BreakEvenReadsPerMonth != 157680000 || c.KeepsRDSClass != "db.t4g.micro" || c.PutsOffRDSClass != "db.t4g.small" ||
		c.ReadsPerMonth != 5e6 || c.SavesUSD != 0 || c.NetUSD != 11.68 {
		t.Errorf("cache.t4g.micro at $0.016: %+v", c)
	}

	m.P.ElastiCacheNodeHour["cache.t4g.micro"] = Price{USD: 0.02}
	tr.MonthlyRequests = 700e6
	c, _ = m.ReadCache(deploy.Postgres, tr, small)
	want := ReadCache{Store: deploy.Postgres, Cache: ElastiCache, NodeType: "cache.t4g.micro", Nodes: 1, MonthlyUSD: 14.60, HitRatio: 0.9,
		BreakEvenReadsPerMonth: 315360000, PutsOffRDSClass: "db.t4g.large", KeepsRDSClass: "db.t4g.small",
		ReadsPerMonth: 350e6, SavesUSD: 70.81, NetUSD: -56.21, Caveat: elastiCacheCaveat}
	if c != want {
		t.Errorf("cache.t4g.micro at $0.02:\n got %+v\nwant %+v", c, want)
	}
	if !strings.Contains(c.Summary(), "where it keeps the database on db.t4g.small rather than db.t4g.large; at 350M reads/month it would save $56.21/month") {
		t.Errorf("summary: %s", c.Summary())
	}

	// In production the database has a standby and the cache a replica.
	prod := small
	prod.MultiAZ = true
	if c, _ := m.ReadCache(deploy.Postgres, tr, prod); c.Nodes != 2 || c.MonthlyUSD != 29.20 {
		t.Errorf("production cache: %+v", c)
	}
	// With no reads there is nothing to cache.
	tr.WriteRatio = 1
	if c, _ := m.ReadCache(deploy.Postgres, tr, small); c.BreakEvenReadsPerMonth != 0 || c.SavesUSD != 0 || !strings.Contains(c.Summary(), "at no read volume") {
		t.Errorf("all writes: %+v", c)
	}
}
