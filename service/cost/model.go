package cost

import (
	"fmt"
	"math"
	"strings"

	"github.com/progresskit/progresskit/service/deploy"
)

// Line-item categories.
const (
	CatCompute  = "compute"
	CatRequests = "request fees"
	CatLB       = "load balancer"
	CatDatabase = "database"
	CatStorage  = "storage and backups"
	CatIPv4     = "public IPv4"
	CatNAT      = "NAT"
	CatLogs     = "logs"
	CatDiscount = "discounts"
)

// Assumptions of the model, named so they can be read and challenged. The
// per-vCPU throughput is what one vCPU of the Go server sustains with its
// DynamoDB round trips; measure yours with 'make bench' and 'progress probe'.
const (
	RequestsPerSecondPerVCPU = 400.0
	TargetUtilisation        = 0.6 // the autoscaling target: capacity kept in reserve
	DefaultLambdaMs          = 30.0
	DefaultStoredGB          = 1.0   // progress data held, when the operator does not say
	LogBytesPerRequest       = 600.0 // access log line plus the server's request line
	RequestsPerConnection    = 10.0  // keep-alive reuse, for ALB new-connection LCUs
	RequestBytes             = 500.0 // average request size, for ALB processed bytes
	albPublicIPs             = 2     // one per AZ
	lcuNewConnPerSec         = 25.0
	lcuGBPerHour             = 1.0
	lcuRuleEvalsPerSec       = 1000.0
	bytesPerGB               = 1e9
)

// Traffic is an environment's "traffic" in cdk.json: the load it
// expects, which only the cost model reads.
type Traffic struct {
	MonthlyRequests  float64 `json:"monthlyRequests"`
	WriteRatio       float64 `json:"writeRatio"`
	AvgResponseBytes float64 `json:"avgResponseBytes"`
	PeakToAverage    float64 `json:"peakToAverage"`
}

// Sizing is an environment's "sizing" in cdk.json: what each architecture
// runs on. The CDK app deploys it (cdk/config reads and validates it) and
// the model prices it, so both read this one definition; the tags are
// cdk.json's field names.
type Sizing struct {
	LambdaMemoryMB     int    `json:"lambdaMemoryMB"`
	LambdaTimeoutSecs  int    `json:"lambdaTimeoutSeconds"`
	ThrottleRatePerSec int    `json:"throttleRatePerSecond"`
	ThrottleBurst      int    `json:"throttleBurst"`
	FargateCPU         int    `json:"fargateCpu"` // CPU units: 1024 = 1 vCPU
	FargateMemoryMiB   int    `json:"fargateMemoryMiB"`
	FargateMinTasks    int    `json:"fargateMinTasks"`
	FargateMaxTasks    int    `json:"fargateMaxTasks"`
	EC2InstanceType    string `json:"ec2InstanceType"`
	EC2MinInstances    int    `json:"ec2MinInstances"`
	EC2MaxInstances    int    `json:"ec2MaxInstances"`
	RDSInstanceClass   string `json:"rdsInstanceClass"`
	RDSStorageGiB      int    `json:"rdsStorageGiB"`
	RDSBackupDays      int    `json:"rdsBackupDays"`
}

// Deployment is what an estimate prices: the sizing, and what the
// deployment adds that cdk.json does not set. cdk/config's
// Settings.CostInputs derives those from an environment's settings, the
// same way its stacks do.
type Deployment struct {
	Sizing
	LambdaAvgMs float64 `json:"lambdaAvgMs"` // 0: DefaultLambdaMs
	FargateSpot bool    `json:"fargateSpot"`
	MultiAZ     bool    `json:"multiAZ"`
	StoredGB    float64 `json:"storedGB"` // progress data held
	NATGateways int     `json:"natGateways"`
}

// Item is one line of an estimate.
type Item struct {
	Category string  `json:"category"`
	Name     string  `json:"name"`
	USD      float64 `json:"monthlyUSD"`
	Detail   string  `json:"detail"`
}

// Pair is what one deployment runs: a compute (deploy.Computes) on a
// store (deploy.Stores), as the CDK app's '-c arch= -c store=' select it.
type Pair struct {
	Compute string `json:"compute"`
	Store   string `json:"store"`
}

// Pairs lists every pair: the computes in deploy.Computes order, each on
// the stores in deploy.Stores order.
func Pairs() []Pair {
	var out []Pair
	for _, c := range deploy.Computes {
		for _, s := range deploy.Stores {
			out = append(out, Pair{c, s})
		}
	}
	return out
}

// DefaultPair is compute on the store it is deployed with when none is
// named (deploy.DefaultStore): Lambda and Fargate on DynamoDB, EC2 on
// PostgreSQL.
func DefaultPair(compute string) Pair { return Pair{compute, deploy.DefaultStore(compute)} }

// Key names a pair as the CDK's context values do: "fargate+postgres".
func (p Pair) Key() string { return p.Compute + "+" + p.Store }

// Title names a pair for people: "Fargate + PostgreSQL".
func (p Pair) Title() string {
	return deploy.ComputeTitle(p.Compute) + " + " + deploy.StoreTitle(p.Store)
}

// Estimate is one pair's monthly cost.
type Estimate struct {
	// Arch is the compute, named as it was when each compute had one
	// store; Store is the store it runs on.
	Arch     string  `json:"arch"`
	Store    string  `json:"store"`
	Region   string  `json:"region"`
	Items    []Item  `json:"items"`
	TotalUSD float64 `json:"totalUSD"`
	// ConfiguredRDSClass is the sizing's RDS class and RDSClass the class
	// the estimate is priced on: the configured one while it sustains the
	// traffic, else the cheapest that does, as instances are scaled to the
	// traffic. PostgreSQL estimates only.
	ConfiguredRDSClass string   `json:"configuredRdsClass,omitempty"`
	RDSClass           string   `json:"rdsClass,omitempty"`
	Notes              []string `json:"notes,omitempty"`
	// CannotCarry says why the pair cannot carry the traffic at this
	// sizing even at its largest: peak load past the maximum tasks or
	// instances, or no RDS class in the catalogue that sustains it.
	CannotCarry []string `json:"cannotCarry,omitempty"`
	Scale       *Scale   `json:"scale,omitempty"`
}

// Pair is what e prices.
func (e Estimate) Pair() Pair { return Pair{e.Arch, e.Store} }

// Carries reports whether the pair carries the traffic at this sizing.
func (e Estimate) Carries() bool { return len(e.CannotCarry) == 0 }

func (e *Estimate) add(cat, name string, usd float64, detail string, args ...any) {
	e.Items = append(e.Items, Item{Category: cat, Name: name, USD: usd, Detail: fmt.Sprintf(detail, args...)})
	e.TotalUSD += usd
}

// Model binds prices to the hours in a month.
type Model struct {
	Region string
	P      Prices
	Hours  float64
	// Pricing applies reserved instances or a savings plan; the zero value
	// is on demand.
	Pricing Pricing
	// EC2Types and RDSClasses are the catalogue's capacity figures.
	EC2Types   map[string]EC2Type
	RDSClasses map[string]RDSClass
}

// NewModel reads the embedded table for region.
func NewModel(region string) (*Model, error) { return NewModelWith(region, "") }

// NewModelWith reads region from LoadTableWith(pricesFile): the embedded
// table, overlaid with pricesFile when it is set.
func NewModelWith(region, pricesFile string) (*Model, error) {
	t, err := LoadTableWith(pricesFile)
	if err != nil {
		return nil, err
	}
	p, err := t.Region(region)
	if err != nil {
		return nil, err
	}
	return &Model{Region: region, P: p, Hours: t.HoursPerMonth, Pricing: OnDemand, EC2Types: t.EC2InstanceTypes, RDSClasses: t.RDSInstanceClasses}, nil
}

func (m *Model) avgRPS(t Traffic) float64 { return t.MonthlyRequests / (m.Hours * 3600) }

// Estimate prices p at traffic t and sizing s: the compute and what
// fronts it, the store, the network and the logs. Each piece is priced
// the same whichever pair it is part of.
func (m *Model) Estimate(p Pair, t Traffic, s Deployment) (Estimate, error) {
	e := Estimate{Arch: p.Compute, Store: p.Store, Region: m.Region}
	servers := 0.0 // tasks or instances, each with a public address
	switch p.Compute {
	case deploy.Lambda:
		m.lambda(&e, t, s)
	case deploy.Fargate:
		servers = m.fargate(&e, t, s)
	case deploy.EC2:
		n, err := m.ec2(&e, t, s)
		if err != nil {
			return e, err
		}
		servers = n
	default:
		return e, fmt.Errorf("unknown compute %q: want one of %s", p.Compute, strings.Join(deploy.Computes, ", "))
	}
	switch p.Store {
	case deploy.DynamoDB:
		m.dynamo(&e, t, s)
	case deploy.Postgres:
		if err := m.postgres(&e, t, s, p.Compute == deploy.Lambda); err != nil {
			return e, err
		}
	default:
		return e, fmt.Errorf("unknown store %q: want one of %s", p.Store, strings.Join(deploy.Stores, ", "))
	}
	if p.Compute == deploy.Lambda {
		e.add(CatIPv4, "public IPv4 addresses", 0, "none: API Gateway and Lambda are managed endpoints")
		e.add(CatNAT, "NAT gateways", 0, "none")
	} else {
		m.network(&e, servers, s)
	}
	m.logs(&e, t)
	return e, nil
}

// lambda adds the function and its HTTP API. On PostgreSQL it runs in the
// database's isolated subnets, which costs nothing more.
func (m *Model) lambda(e *Estimate, t Traffic, s Deployment) {
	ms := s.LambdaAvgMs
	if ms == 0 {
		ms = DefaultLambdaMs
	}
	gbs := t.MonthlyRequests * ms / 1000 * float64(s.LambdaMemoryMB) / 1024
	e.add(CatCompute, "Lambda duration (arm64)", gbs*m.P.LambdaGBSecondArm64.USD, "%.3g GB-s (%.0f ms × %d MB) × $%.10f", gbs, ms, s.LambdaMemoryMB, m.P.LambdaGBSecondArm64.USD)
	e.add(CatRequests, "Lambda requests", t.MonthlyRequests/1e6*m.P.LambdaRequestPerMillion.USD, "%.3gM × $%.2f/M", t.MonthlyRequests/1e6, m.P.LambdaRequestPerMillion.USD)
	e.add(CatRequests, "HTTP API requests", t.MonthlyRequests/1e6*m.P.HTTPAPIPerMillion.USD, "%.3gM × $%.2f/M", t.MonthlyRequests/1e6, m.P.HTTPAPIPerMillion.USD)
	m.discount(e, SavingsPlan, "Lambda duration (arm64)", m.P.SavingsPlanLambda)
}

// fargate adds the tasks and their load balancer, and returns how many
// tasks run on average.
func (m *Model) fargate(e *Estimate, t Traffic, s Deployment) float64 {
	vcpu, gb := float64(s.FargateCPU)/1024, float64(s.FargateMemoryMiB)/1024
	tasks := m.instances(e, t, vcpu, s.FargateMinTasks, s.FargateMaxTasks, "tasks")
	hourly := vcpu*m.P.FargateVCPUHourArm64.USD + gb*m.P.FargateGBHourArm64.USD
	detail := "%.3g tasks × %.0f h × (%.2f vCPU × $%.5f + %.2f GB × $%.5f)"
	if s.FargateSpot {
		hourly *= 1 - m.P.FargateSpotDiscount.USD
		// detail is a format itself: its percent sign is written %%.
		detail += fmt.Sprintf(", Spot −%.0f%%%%", m.P.FargateSpotDiscount.USD*100)
	}
	e.add(CatCompute, "Fargate tasks (arm64)", tasks*m.Hours*hourly, detail, tasks, m.Hours, vcpu, m.P.FargateVCPUHourArm64.USD, gb, m.P.FargateGBHourArm64.USD)
	m.discount(e, SavingsPlan, "Fargate tasks (arm64)", m.P.SavingsPlanFargate)
	m.alb(e, t)
	return tasks
}

// ec2 adds the Auto Scaling group's instances and their load balancer,
// and returns how many instances run on average.
func (m *Model) ec2(e *Estimate, t Traffic, s Deployment) (float64, error) {
	hour, err := m.P.ec2Hour(s.EC2InstanceType)
	if err != nil {
		return 0, err
	}
	it, ok := m.EC2Types[s.EC2InstanceType]
	if !ok {
		return 0, fmt.Errorf("no vCPU count for %q: the catalogue's ec2InstanceTypes does not describe it", s.EC2InstanceType)
	}
	n := m.instances(e, t, it.VCPUs, s.EC2MinInstances, s.EC2MaxInstances, "instances")
	e.add(CatCompute, "EC2 instances", n*m.Hours*hour, "%.3g × %s × %.0f h × $%.4f", n, s.EC2InstanceType, m.Hours, hour)
	m.discount(e, Reserved, "EC2 instances", m.P.EC2Reserved)
	m.alb(e, t)
	return n, nil
}

// dynamo adds the on-demand table: the store's requests, and its storage
// with point-in-time recovery.
func (m *Model) dynamo(e *Estimate, t Traffic, s Deployment) {
	u := StoreUnits(LessonsPerCourse(t))
	perM := m.DynamoUSDPerMillionOps(t.WriteRatio, u)
	e.add(CatDatabase, "DynamoDB on-demand requests", t.MonthlyRequests/1e6*perM,
		"%.3gM ops × $%.4f/M (write: %.3g WRU + %.2g RRU; read: %.0f RRU)", t.MonthlyRequests/1e6, perM, u.WRUPerWrite, u.RRUPerWrite, u.RRUPerRead)
	e.add(CatStorage, "DynamoDB storage and PITR", s.StoredGB*(m.P.DynamoStorageGBMonth.USD+m.P.DynamoPITRGBMonth.USD),
		"%.3g GB × ($%.3f + $%.3f PITR)/GB-month", s.StoredGB, m.P.DynamoStorageGBMonth.USD, m.P.DynamoPITRGBMonth.USD)
}

// databaseCopies is the instances a database runs: 2 with a Multi-AZ
// standby.
func (s Deployment) databaseCopies() float64 {
	if s.MultiAZ {
		return 2
	}
	return 1
}

// multiAZNote marks a figure doubled for a Multi-AZ standby.
var multiAZNote = map[bool]string{true: " × 2 (Multi-AZ)", false: ""}

// postgres adds the RDS PostgreSQL instance, priced on the class the
// traffic needs, its storage and, for pooled compute (Lambda, whose every
// concurrent invocation would hold a connection), the RDS Proxy in front
// of it.
func (m *Model) postgres(e *Estimate, t Traffic, s Deployment, pooled bool) error {
	azs := s.databaseCopies()
	if err := m.rdsInstance(e, t, s, azs); err != nil {
		return err
	}
	m.discount(e, Reserved, "RDS PostgreSQL instance", m.P.RDSReserved)
	if pooled {
		m.rdsProxy(e)
	}
	e.add(CatStorage, "RDS storage (gp3)", azs*float64(s.RDSStorageGiB)*m.P.RDSStorageGBMonth.USD, "%d GB × $%.3f%s; backups up to the storage size are free",
		s.RDSStorageGiB, m.P.RDSStorageGBMonth.USD, multiAZNote[s.MultiAZ])
	return nil
}

// RDSProxyMinVCPUs is the fewest vCPUs RDS Proxy bills for an instance it
// fronts (aws.amazon.com/rds/proxy/pricing): a proxy in front of a
// 2-vCPU class costs as much as in front of a smaller one would.
const RDSProxyMinVCPUs = 2.0

// rdsProxy adds the proxy, billed per vCPU of the class the estimate is
// priced on. A Multi-AZ standby is not counted: the proxy is billed for
// the instance it fronts, and fails over with it.
func (m *Model) rdsProxy(e *Estimate) {
	vcpus := max(RDSProxyMinVCPUs, m.RDSClasses[e.RDSClass].VCPUs)
	e.add(CatDatabase, "RDS Proxy", vcpus*m.Hours*m.P.RDSProxyVCPUHour.USD, "%g vCPUs (%s; at least %g) × %.0f h × $%.4f",
		vcpus, e.RDSClass, RDSProxyMinVCPUs, m.Hours, m.P.RDSProxyVCPUHour.USD)
}

func (m *Model) logs(e *Estimate, t Traffic) {
	gb := t.MonthlyRequests * LogBytesPerRequest / bytesPerGB
	e.add(CatLogs, "CloudWatch Logs ingestion", gb*m.P.LogsIngestGB.USD, "%.3g GB × $%.2f/GB", gb, m.P.LogsIngestGB.USD)
}

// alb adds the load balancer's hours and capacity units.
func (m *Model) alb(e *Estimate, t Traffic) {
	rps := m.avgRPS(t)
	gbPerHour := rps * 3600 * (t.AvgResponseBytes + RequestBytes) / bytesPerGB
	lcu := max(rps/RequestsPerConnection/lcuNewConnPerSec, gbPerHour/lcuGBPerHour, rps/lcuRuleEvalsPerSec)
	e.add(CatLB, "ALB hours", m.Hours*m.P.ALBHour.USD, "%.0f h × $%.4f", m.Hours, m.P.ALBHour.USD)
	e.add(CatLB, "ALB capacity units", lcu*m.Hours*m.P.ALBLCUHour.USD, "%.3g LCU × %.0f h × $%.3f", lcu, m.Hours, m.P.ALBLCUHour.USD)
}

// network adds the public addresses of the load balancer and of the
// servers behind it (none behind NAT) and the NAT gateways. Servers run
// in public subnets of their own VPC or of the database's alike.
func (m *Model) network(e *Estimate, servers float64, s Deployment) {
	publicIPs := albPublicIPs + servers
	if s.NATGateways > 0 {
		publicIPs = albPublicIPs
	}
	e.add(CatIPv4, "public IPv4 addresses", publicIPs*m.Hours*m.P.PublicIPv4Hour.USD, "%.3g addresses × %.0f h × $%.3f", publicIPs, m.Hours, m.P.PublicIPv4Hour.USD)
	if s.NATGateways > 0 {
		e.add(CatNAT, "NAT gateways", float64(s.NATGateways)*m.Hours*m.P.NATGatewayHour.USD, "%d × %.0f h × $%.3f (DynamoDB goes through the free gateway endpoint)", s.NATGateways, m.Hours, m.P.NATGatewayHour.USD)
	} else {
		e.add(CatNAT, "NAT gateways", 0, "none: services run in public subnets behind their security group")
	}
}

// instances is how many tasks or instances run on average: enough for the
// average load at the scaling target, within the group's bounds.
func (m *Model) instances(e *Estimate, t Traffic, vcpus float64, minN, maxN int, what string) float64 {
	capacity := RequestsPerSecondPerVCPU * vcpus
	need := math.Ceil(m.avgRPS(t) / (capacity * TargetUtilisation))
	n := min(max(need, float64(max(minN, 1))), float64(max(maxN, minN, 1)))
	peak := math.Ceil(m.avgRPS(t) * max(t.PeakToAverage, 1) / capacity)
	if peak > float64(max(maxN, minN, 1)) {
		e.CannotCarry = append(e.CannotCarry, fmt.Sprintf("peak load needs %.0f %s, more than the maximum of %d", peak, what, max(maxN, minN)))
	}
	return n
}

// rdsInstance adds the RDS instance line, priced on the class that
// sustains t rather than the configured one when that falls short.
func (m *Model) rdsInstance(e *Estimate, t Traffic, s Deployment, azs float64) error {
	class, short := m.databaseClass(s.RDSInstanceClass, t)
	hour, err := m.P.rdsHour(class)
	if err != nil {
		return err
	}
	e.ConfiguredRDSClass, e.RDSClass = s.RDSInstanceClass, class
	if short != "" {
		e.CannotCarry = append(e.CannotCarry, short)
	}
	shown := class
	if class != s.RDSInstanceClass {
		shown = fmt.Sprintf("%s (configured %s sustains only %s requests/month)", class, s.RDSInstanceClass, Human(m.databaseCapacity(s.RDSInstanceClass, t.WriteRatio)))
	}
	e.add(CatDatabase, "RDS PostgreSQL instance", azs*m.Hours*hour, "%s × %.0f h × $%.4f%s", shown, m.Hours, hour, multiAZNote[s.MultiAZ])
	return nil
}

// All estimates every pair (Pairs).
func (m *Model) All(t Traffic, s Deployment) ([]Estimate, error) {
	return m.Each(Pairs(), t, s)
}

// Each estimates pairs, in their order, each with its Scale.
func (m *Model) Each(pairs []Pair, t Traffic, s Deployment) ([]Estimate, error) {
	out := make([]Estimate, len(pairs))
	for i, p := range pairs {
		e, err := m.Estimate(p, t, s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Title(), err)
		}
		sc := m.ScaleOf(e, t, s)
		e.Scale = &sc
		out[i] = e
	}
	return out, nil
}

// Total is p's total at a number of requests, the other traffic figures
// held; 0 for a pair the sizing cannot price (Estimate says why).
func (m *Model) Total(p Pair, t Traffic, s Deployment, requests float64) float64 {
	t.MonthlyRequests = requests
	e, _ := m.Estimate(p, t, s)
	return e.TotalUSD
}
