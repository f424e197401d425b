package demo

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/cost"
)

// The demo's cloud bill: six months (the current month to date and the
// five before it) of FOCUS 1.0 exports from AWS, Azure and Google Cloud,
// generated for the demo catalog and imported through cost.Service.Import
// like any bill, so the Costs page, the team panels, budgets, forecasts
// and anomaly alerts all run on real imports. What makes it worth looking
// at is planted on purpose: a few teams grow, weekdays cost more than
// weekends, one service spikes for a day about ten days ago, an ML sandbox
// nobody registered spends untagged (shadow IT), the AWS support fee sits
// in the management account where no team owns it, and a few credits come
// back negative. Amounts come from Seed and the calendar, never from the
// time of day: a demo started twice on one day shows the same bill.

// costMonths is how many months of billing the demo imports.
const costMonths = 6

// teamSpend shapes one team's bill.
type teamSpend struct {
	scale  float64 // multiplies the spend of its services
	growth float64 // per month, compounded daily; negative for a team cutting costs
	// budget is the team's monthly budget as a share of the current
	// month's forecast: below 1 the team is at risk or over.
	budget float64
	azure  bool // runs some services on Azure (tagged; the catalog lists no subscriptions)
}

var teamSpends = map[string]teamSpend{
	"payments":      {scale: 1.3, growth: 0.02, budget: 1.25},
	"identity":      {scale: 0.8, growth: 0.01, budget: 1.3, azure: true},
	"search":        {scale: 1.4, growth: 0.04, budget: 1.2},
	"catalog":       {scale: 1.0, growth: 0, budget: 1.35},
	"fulfilment":    {scale: 1.0, growth: 0.015, budget: 1.3},
	"growth":        {scale: 0.7, growth: 0.09, budget: 1.02, azure: true},
	"data-platform": {scale: 1.8, growth: 0.06, budget: 0.88},
	"mobile":        {scale: 0.6, growth: -0.03, budget: 1.4},
	"web-platform":  {scale: 1.1, growth: 0.01, budget: 1.3},
	"platform":      {scale: 1.2, growth: 0.02, budget: 0.97},
	"sre":           {scale: 0.7, growth: 0, budget: 1.3},
	"security":      {scale: 0.5, growth: 0.01, budget: 1.4},
}

// defaultTeamSpend is for a team the table above does not know.
var defaultTeamSpend = teamSpend{scale: 1, growth: 0.01, budget: 1.3}

// Shares of the total spend that nobody owns: the ML sandbox's untagged
// resources (growing, so coverage slips month by month), and AWS
// Business support, a share of each day's AWS usage billed to the
// management account. Together they leave coverage at about 93%.
const (
	shadowShare   = 0.038
	shadowGrowth  = 0.07
	supportShare  = 0.03
	dailyNoise    = 0.035 // relative standard deviation of a day's charge
	creditOfDaily = 0.07  // a credit is this share of its team's daily spend
	spikeDaysAgo  = 10
	spikeAmount   = 436.52
)

// billingAccount is one provider's billing account and its invoice.
type billingAccount struct {
	provider, publisher, issuer, id, name, file string
}

var (
	awsBilling   = &billingAccount{"AWS", "Amazon Web Services, Inc.", "Amazon Web Services, Inc.", "210987654321", "Example Shop (payer)", "aws"}
	azureBilling = &billingAccount{"Microsoft", "Microsoft", "Microsoft", "/providers/Microsoft.Billing/billingAccounts/73654189", "Example Shop Ltd", "azure"}
	gcpBilling   = &billingAccount{"Google Cloud", "Google", "Google Cloud EMEA Limited", "01C4F2-7A9B3E-D5E8F1", "Example Shop Google Cloud", "gcp"}
	billings     = []*billingAccount{awsBilling, azureBilling, gcpBilling}
)

// managementAccount is the AWS organisation's management account, which
// no service owns; supportServiceName is the fee billed to it.
const (
	managementAccount  = "210987654321"
	supportServiceName = "AWS Support (Business)"
	shadowAccount      = "300000004417"
)

// costKind is a kind of billed resource. id is a fmt pattern of the
// resource id: %[1]s region, %[2]s sub-account, %[3]s resource name,
// %[4]s a hex id.
type costKind struct {
	serviceName, category, resourceType string
	unit                                string  // PricingUnit and ConsumedUnit
	price                               float64 // list price per unit
	id                                  string
	// perHour kinds are priced per instance-hour, the price set by what
	// the resource costs; hourly ones are billed in hourly line items,
	// the others per day.
	perHour, hourly bool
}

var (
	awsEC2      = costKind{serviceName: "Amazon Elastic Compute Cloud", category: "Compute", resourceType: "Instance", unit: "Hrs", id: "arn:aws:ec2:%[1]s:%[2]s:instance/i-%[4]s", perHour: true}
	awsRDS      = costKind{serviceName: "Amazon Relational Database Service", category: "Databases", resourceType: "DB Instance", unit: "Hrs", id: "arn:aws:rds:%[1]s:%[2]s:db:%[3]s", perHour: true}
	awsCache    = costKind{serviceName: "Amazon ElastiCache", category: "Databases", resourceType: "Cache Cluster", unit: "Hrs", id: "arn:aws:elasticache:%[1]s:%[2]s:cluster:%[3]s", perHour: true}
	awsS3       = costKind{serviceName: "Amazon Simple Storage Service", category: "Storage", resourceType: "Bucket", unit: "GB-Mo", price: 0.023, id: "arn:aws:s3:::shop-%[3]s"}
	awsELB      = costKind{serviceName: "Elastic Load Balancing", category: "Networking", resourceType: "Load Balancer", unit: "LCU-Hrs", price: 0.008, id: "arn:aws:elasticloadbalancing:%[1]s:%[2]s:loadbalancer/app/%[3]s/%[4]s"}
	awsSage     = costKind{serviceName: "Amazon SageMaker", category: "AI and Machine Learning", resourceType: "Notebook Instance", unit: "Hrs", id: "arn:aws:sagemaker:%[1]s:%[2]s:notebook-instance/%[3]s", perHour: true}
	awsTraining = costKind{serviceName: "Amazon SageMaker", category: "AI and Machine Learning", resourceType: "Training Job", unit: "Hrs", price: 14.688, id: "arn:aws:sagemaker:%[1]s:%[2]s:training-job/%[3]s-%[4]s"}
	gcpGKE      = costKind{serviceName: "Kubernetes Engine", category: "Compute", resourceType: "Cluster", unit: "hour", id: "//container.googleapis.com/projects/%[2]s/locations/%[1]s/clusters/%[3]s", perHour: true, hourly: true}
	gcpBQ       = costKind{serviceName: "BigQuery", category: "Analytics", resourceType: "Dataset", unit: "tebibyte", price: 6.25, id: "//bigquery.googleapis.com/projects/%[2]s/datasets/%[3]s"}
	gcpGCS      = costKind{serviceName: "Cloud Storage", category: "Storage", resourceType: "Bucket", unit: "gibibyte month", price: 0.02, id: "//storage.googleapis.com/projects/_/buckets/%[2]s-%[3]s"}
	azureAKS    = costKind{serviceName: "Azure Kubernetes Service", category: "Compute", resourceType: "Managed Cluster", unit: "1 Hour", id: "/subscriptions/%[2]s/resourceGroups/rg-%[3]s/providers/Microsoft.ContainerService/managedClusters/%[3]s", perHour: true}
	azureFD     = costKind{serviceName: "Azure Front Door", category: "Networking", resourceType: "Front Door", unit: "1 GB", price: 0.083, id: "/subscriptions/%[2]s/resourceGroups/rg-%[3]s/providers/Microsoft.Cdn/profiles/%[3]s"}
)

// Regions per provider: id and name.
var regions = map[string][2]string{
	"aws": {"us-east-1", "US East (N. Virginia)"}, "gcp": {"europe-west1", "Belgium"}, "azure": {"westeurope", "West Europe"},
}

var providerBilling = map[string]*billingAccount{"aws": awsBilling, "gcp": gcpBilling, "azure": azureBilling}

// costResource is one billed resource and how its daily charge moves.
type costResource struct {
	billing *billingAccount
	kind    *costKind
	// head is ChargeDescription,ChargeFrequency and tail RegionId through
	// Tags, CSV-encoded once.
	head, tail string
	discount   float64 // negotiated discount off the list price
	price      float64 // list price per pricing unit
	daily      float64 // EffectiveCost of a weekday at the start of the bill
	growth     float64 // per month
	weekend    float64 // share of the weekday charge on Saturdays and Sundays
	key        uint64  // seeds the resource's daily noise
	// only, when set, is the one day the resource is billed (a one-off job).
	only string
}

// costCredit is a one-time credit to a team, untagged in one of its
// production accounts (tagged with the team alone on Azure, whose
// subscriptions the catalog does not list).
type costCredit struct {
	month, day int // month 0 is the first billed
	provider   string
	team, what string
}

var costCredits = []costCredit{
	{1, 12, "aws", "payments", "AWS Promotional Credit: Migration Acceleration Program"},
	{3, 8, "gcp", "data-platform", "Promotional credit: BigQuery migration programme"},
	{4, 20, "azure", "identity", "Service level agreement credit: Azure Front Door"},
	{5, 2, "aws", "fulfilment", "AWS Promotional Credit: Activate"},
}

// creditService is the ServiceName a provider's credits are billed under.
var creditService = map[string]string{"aws": "AWS Credits", "gcp": "BigQuery", "azure": "Azure Front Door"}

// costPlan is the whole bill: its resources, days and planted events.
type costPlan struct {
	first, end time.Time // the first billed day and the last (yesterday)
	resources  []*costResource
	credits    []plannedCredit
	// spikeTeam's spikeService runs a one-off training job on spikeDay.
	spikeTeam, spikeService, spikeDay string
}

type plannedCredit struct {
	costCredit
	day    string
	tail   string
	amount float64
}

// account is a cloud account as a bill names it.
type account struct{ id, name string }

// planner builds a costPlan; r makes every choice, in catalog order.
type planner struct {
	p *costPlan
	r *rand.Rand
}

func (pl *planner) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[pl.r.IntN(16)]
	}
	return string(b)
}

// add bills a resource named name of kind k in provider's account, daily
// dollars on a weekday at the start of the bill.
func (pl *planner) add(provider string, acct account, k *costKind, name, tags string, daily, growth, weekend float64) *costResource {
	region := regions[provider]
	res := &costResource{
		billing: providerBilling[provider], kind: k, daily: daily, growth: growth, weekend: weekend,
		discount: []float64{0, 0, 0.1, 0.18}[pl.r.IntN(4)], key: pl.r.Uint64(),
	}
	res.price = k.price
	if k.perHour {
		// Priced like the instance size it would be, so that a day bills
		// about 24 hours of each instance.
		instances := math.Ceil(daily / 48)
		res.price = math.Round(daily/(1-res.discount)/24/instances*1e4) / 1e4
	}
	res.head = csvField(fmt.Sprintf("$%s per %s for %s", strconv.FormatFloat(res.price, 'f', 4, 64), k.unit, k.serviceName)) + ",Usage-Based"
	res.tail = tail(region, fmt.Sprintf(k.id, region[0], acct.id, name, pl.hex(17)), name, k, acct.id, acct.name, tags, pl.hex(12))
	pl.p.resources = append(pl.p.resources, res)
	return res
}

// teamBill is what a team's services add up to, for its shared resources.
type teamBill struct {
	name     string
	spend    teamSpend
	prod     float64 // the weekday spend of its services in production
	accounts map[string]map[string]account
}

// newCostPlan lays out the bill for the catalog's services. A service's
// own resources are its production compute, its database above tier 3
// and, for search and data-platform, whose data lives in Google Cloud, a
// BigQuery dataset; they are tagged with the team, service and
// environment, bar the database of one service in nine, which its
// account still places with the team. A team's shared resources are its
// production load balancer, bucket and (in Google Cloud) cluster, tagged
// with the team alone, and the staging and development clusters its
// services share, untagged in the team's accounts. Identity and growth
// run some services on Azure. Imports roll charges up per day and
// service, so sharing clusters keeps the demo quick to load as well as
// realistic.
func newCostPlan(snap *catalog.Snapshot, now time.Time) *costPlan {
	now = now.UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	p := &costPlan{
		first: time.Date(now.Year(), now.Month()-costMonths+1, 1, 0, 0, 0, 0, time.UTC),
		end:   today.AddDate(0, 0, -1),
	}
	pl := &planner{p: p, r: rand.New(rand.NewPCG(Seed, 11))}
	r := pl.r
	services := append([]catalog.Service(nil), snap.Services...)
	// Byte order, not the database's collation: the same bill on SQLite
	// and PostgreSQL.
	sort.Slice(services, func(i, j int) bool { return services[i].Name < services[j].Name })

	teams := map[string]*teamBill{}
	var order []*teamBill
	for si, s := range services {
		tb := teams[s.Team]
		if tb == nil {
			ts, ok := teamSpends[s.Team]
			if !ok {
				ts = defaultTeamSpend
			}
			tb = &teamBill{name: s.Team, spend: ts, accounts: map[string]map[string]account{}}
			teams[s.Team] = tb
			order = append(order, tb)
		}
		own := map[string]map[string]account{} // provider → environment → account
		for _, a := range s.CloudAccounts {
			if own[a.Provider] == nil {
				own[a.Provider] = map[string]account{}
			}
			if tb.accounts[a.Provider] == nil {
				tb.accounts[a.Provider] = map[string]account{}
			}
			acct := account{a.ID, "shop-" + s.Team + "-" + a.Environment}
			if a.Provider == "gcp" {
				acct.name = a.ID
			}
			own[a.Provider][a.Environment] = acct
			if _, ok := tb.accounts[a.Provider][a.Environment]; !ok {
				tb.accounts[a.Provider][a.Environment] = acct
			}
		}
		prod, ok := own["aws"]["prod"]
		if !ok {
			continue // the demo bills services with an AWS production account
		}
		base := map[string]float64{"tier-1": 220 + r.Float64()*200, "tier-2": 90 + r.Float64()*110}[s.Tier]
		if base == 0 {
			base = 30 + r.Float64()*50
		}
		switch s.Lifecycle {
		case "deprecated":
			base *= 0.5
		case "experimental":
			base *= 0.6
		}
		base *= tb.spend.scale
		tb.prod += base
		tags := fmt.Sprintf(`{"team": "%s", "service": "%s", "environment": "prod"}`, s.Team, s.Name)
		// One service in nine never tagged its database; its account
		// still places it with the team.
		dbTags := tags
		if si%9 == 4 {
			dbTags = ""
		}
		// Compute: EC2 instances, or an AKS cluster for half of the Azure
		// teams' services.
		switch {
		case tb.spend.azure && r.IntN(2) == 0:
			sub := tb.azureSub(pl, "prod")
			pl.add("azure", sub, &azureAKS, s.Name+"-prod", fmt.Sprintf(`{"team": "%s", "service": "%s", "environment": "production"}`, s.Team, s.Name),
				base*0.6, tb.spend.growth, 0.95)
		default:
			n := map[string]int{"tier-1": 3, "tier-2": 2}[s.Tier]
			n = max(n, 1)
			for i := 1; i <= n; i++ {
				pl.add("aws", prod, &awsEC2, fmt.Sprintf("%s-prod-%d", s.Name, i), tags, base*0.6/float64(n), tb.spend.growth, 0.95)
			}
		}
		// The database: RDS for tier-1 services, ElastiCache for some of
		// tier-2; the rest keep their state in the team's shared stores.
		switch {
		case s.Tier == "tier-1":
			pl.add("aws", prod, &awsRDS, s.Name+"-prod", dbTags, base*0.4, tb.spend.growth, 1)
		case s.Tier == "tier-2" && r.IntN(2) == 0:
			pl.add("aws", prod, &awsCache, s.Name+"-prod", dbTags, base*0.4, tb.spend.growth, 1)
		default:
			tb.prod -= base * 0.4
		}
		// The teams whose data lives in Google Cloud keep a BigQuery
		// dataset per service.
		if gcp, ok := own["gcp"]["prod"]; ok {
			pl.add("gcp", gcp, &gcpBQ, strings.ReplaceAll(s.Name, "-", "_"), fmt.Sprintf(`{"team": "%s", "service": "%s", "env": "prod"}`, s.Team, s.Name),
				base*0.35, tb.spend.growth, 1)
			tb.prod += base * 0.35
		}
	}

	// Each team's shared resources, scaled to what its services spend.
	for _, tb := range order {
		g := tb.spend.growth
		aws := tb.accounts["aws"]
		if _, ok := aws["prod"]; !ok {
			continue
		}
		teamTags := fmt.Sprintf(`{"team": "%s", "environment": "prod"}`, tb.name)
		pl.add("aws", aws["prod"], &awsELB, tb.name+"-prod", teamTags, tb.prod*0.07, g, 0.9)
		pl.add("aws", aws["prod"], &awsS3, tb.name+"-prod-assets", teamTags, tb.prod*0.05, g, 1)
		if gcp, ok := tb.accounts["gcp"]; ok {
			pl.add("gcp", gcp["prod"], &gcpGKE, tb.name+"-prod", fmt.Sprintf(`{"team": "%s", "env": "prod"}`, tb.name), tb.prod*0.1, g, 0.9)
			pl.add("gcp", gcp["staging"], &gcpGCS, tb.name+"-staging-exports", "", tb.prod*0.03, g, 1)
		}
		if tb.spend.azure {
			pl.add("azure", tb.azureSub(pl, "prod"), &azureFD, tb.name+"-edge", fmt.Sprintf(`{"team": "%s", "environment": "production"}`, tb.name), tb.prod*0.05, g, 0.9)
		}
		pl.add("aws", aws["staging"], &awsEC2, tb.name+"-staging-nodes", "", tb.prod*0.16, g, 0.75)
		pl.add("aws", aws["dev"], &awsEC2, tb.name+"-dev-nodes", "", tb.prod*0.07, g, 0.55)
	}

	// The ML sandbox: an account in the organisation that no service
	// lists, with notebooks and GPU instances nobody tagged, bar one that
	// names a person rather than a team.
	total := 0.0
	for _, res := range p.resources {
		total += res.daily
	}
	sandbox := account{shadowAccount, "ml-experiments"}
	for _, sh := range []struct {
		kind  *costKind
		name  string
		share float64
		tags  string
	}{
		{&awsSage, "churn-model-notebook", 0.3, ""},
		{&awsSage, "pricing-exploration", 0.2, `{"owner": "dana.k", "project": "pricing-ml"}`},
		{&awsEC2, "gpu-trainer-p3", 0.35, ""},
		{&awsS3, "ml-experiments-datasets", 0.15, ""},
	} {
		pl.add("aws", sandbox, sh.kind, sh.name, sh.tags, total*shadowShare*sh.share, shadowGrowth, 0.85)
	}

	// The planted anomaly: a one-off GPU training job of one service, a
	// few hundred dollars on one day.
	p.spikeTeam, p.spikeService = "search", "recommendations"
	spikeAcct, ok := account{}, false
	for _, s := range services {
		for _, a := range s.CloudAccounts {
			if s.Name == p.spikeService && a.Provider == "aws" && a.Environment == "prod" {
				spikeAcct, ok = account{a.ID, "shop-" + s.Team + "-prod"}, true
			}
		}
	}
	if !ok && len(services) > 0 { // a catalog without the demo's recommendations
		s := services[0]
		if acct, found := teams[s.Team].accounts["aws"]["prod"]; found {
			p.spikeTeam, p.spikeService, spikeAcct, ok = s.Team, s.Name, acct, true
		}
	}
	if ok {
		p.spikeDay = today.AddDate(0, 0, -spikeDaysAgo).Format(time.DateOnly)
		job := pl.add("aws", spikeAcct, &awsTraining, p.spikeService+"-retrain", fmt.Sprintf(`{"team": "%s", "service": "%s", "environment": "prod"}`, p.spikeTeam, p.spikeService),
			spikeAmount, 0, 1)
		job.only = p.spikeDay
	}

	for _, c := range costCredits {
		day := time.Date(p.first.Year(), p.first.Month()+time.Month(c.month), c.day, 0, 0, 0, 0, time.UTC)
		tb := teams[c.team]
		if tb == nil || day.After(p.end) {
			continue
		}
		acct, ok := tb.accounts[c.provider]["prod"]
		tags := ""
		if c.provider == "azure" {
			tags = fmt.Sprintf(`{"team": "%s"}`, c.team)
		}
		if !ok {
			continue
		}
		k := &costKind{serviceName: creditService[c.provider], category: "Other"}
		p.credits = append(p.credits, plannedCredit{costCredit: c, day: day.Format(time.DateOnly),
			tail: tail(regions[c.provider], "", "", k, acct.id, acct.name, tags, "CREDIT"), amount: math.Round(tb.prod*creditOfDaily*100) / 100})
	}
	return p
}

// azureSub returns the team's Azure subscription of an environment,
// making it up the first time: the catalog lists none.
func (tb *teamBill) azureSub(pl *planner, env string) account {
	if tb.accounts["azure"] == nil {
		tb.accounts["azure"] = map[string]account{}
	}
	if a, ok := tb.accounts["azure"][env]; ok {
		return a
	}
	r := pl.r
	a := account{
		id:   fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", r.Uint32(), r.IntN(1<<16), r.IntN(1<<12), r.IntN(1<<12), r.Uint64()&(1<<48-1)),
		name: "Shop " + strings.ToUpper(tb.name[:1]) + tb.name[1:] + " " + map[string]string{"prod": "Production", "staging": "Staging", "dev": "Development"}[env],
	}
	tb.accounts["azure"][env] = a
	return a
}

// tail encodes RegionId through Tags.
func tail(region [2]string, id, name string, k *costKind, account, accountName, tags, sku string) string {
	fields := []string{region[0], region[1], id, name, k.resourceType, k.category, k.serviceName, strings.ToUpper(sku), account, accountName, tags}
	for i := range fields {
		fields[i] = csvField(fields[i])
	}
	return strings.Join(fields, ",")
}

// costHeader are the FOCUS 1.0 columns the demo writes: the Mandatory
// ones and the Conditional ones exports carry for resources.
const costHeader = "BilledCost,BillingAccountId,BillingAccountName,BillingCurrency,BillingPeriodEnd,BillingPeriodStart," +
	"ChargeCategory,ChargeClass,ChargeDescription,ChargeFrequency,ChargePeriodEnd,ChargePeriodStart,ConsumedQuantity,ConsumedUnit," +
	"ContractedCost,EffectiveCost,InvoiceIssuerName,ListCost,ListUnitPrice,PricingCategory,PricingQuantity,PricingUnit," +
	"ProviderName,PublisherName,RegionId,RegionName,ResourceId,ResourceName,ResourceType,ServiceCategory,ServiceName,SkuId," +
	"SubAccountId,SubAccountName,Tags\n"

// costFile is one provider's export of one month.
type costFile struct {
	name string
	data []byte
}

// months lists the first day of every billed month that has a billed day.
func (p *costPlan) months() []time.Time {
	var out []time.Time
	for m := p.first; !m.After(p.end); m = m.AddDate(0, 1, 0) {
		out = append(out, m)
	}
	return out
}

// file renders billing's export of the month starting at month.
func (p *costPlan) file(b *billingAccount, month time.Time) costFile {
	next := month.AddDate(0, 1, 0)
	var resources []*costResource
	rows := 0
	for _, r := range p.resources {
		if r.billing == b {
			resources = append(resources, r)
			rows += map[bool]int{false: 1, true: 24}[r.kind.hourly]
		}
	}
	e := &export{
		buf:      make([]byte, 0, len(costHeader)+rows*next.AddDate(0, 0, -1).Day()*650),
		lead:     "," + csvField(b.id) + "," + csvField(b.name) + ",USD," + next.Format(time.RFC3339) + "," + month.Format(time.RFC3339) + ",",
		issuer:   "," + csvField(b.issuer) + ",",
		provider: "," + csvField(b.provider) + "," + csvField(b.publisher) + ",",
	}
	e.buf = append(e.buf, costHeader...)
	for d := month; d.Before(next) && !d.After(p.end); d = d.AddDate(0, 0, 1) {
		day := d.Format(time.DateOnly)
		dayNo := uint64(d.Unix() / 86400)
		months := d.Sub(p.first).Hours() / 24 / 30.44
		weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
		usage := 0.0
		for _, r := range resources {
			if r.only != "" && r.only != day {
				continue
			}
			cost := r.daily * math.Pow(1+r.growth, months) * (1 + dailyNoise*gauss(r.key^dayNo*0x9e3779b97f4a7c15))
			if weekend {
				cost *= r.weekend
			}
			if !r.kind.hourly {
				e.usage(r, d, 24*time.Hour, cost)
				usage += cost
				continue
			}
			for h := 0; h < 24; h++ {
				c := cost / 24 * (1 + 0.05*gauss(r.key^(dayNo*24+uint64(h))*0xbf58476d1ce4e5b9))
				e.usage(r, d.Add(time.Duration(h)*time.Hour), time.Hour, c)
				usage += c
			}
		}
		if b == awsBilling && usage > 0 {
			e.charge("Usage", supportHead, d, 24*time.Hour, usage*supportShare, usage*supportShare, "", 0, 0, supportTail)
		}
		for _, c := range p.credits {
			if c.provider == b.file && c.day == day {
				e.charge("Credit", csvField(c.what)+",One-Time", d, 24*time.Hour, -c.amount, -c.amount, "", 0, 0, c.tail)
			}
		}
	}
	return costFile{name: fmt.Sprintf("%s-focus-%s.csv", b.file, month.Format("2006-01")), data: e.buf}
}

// The AWS Business support fee: a share of the day's usage, billed to
// the management account.
var (
	supportHead = csvField("AWS Support (Business) fee: "+strconv.FormatFloat(supportShare*100, 'f', 0, 64)+"% of the day's AWS usage") + ",Recurring"
	supportTail = tail([2]string{"global", "Global"}, "", "", &costKind{serviceName: supportServiceName, category: "Other"}, managementAccount, "shop-management", "", "SUPPORT-BUSINESS")
)

// export writes one billing account's rows of one month; lead, issuer
// and provider are the row's fixed parts, CSV-encoded once.
type export struct {
	buf                    []byte
	lead, issuer, provider string
}

// usage writes one usage charge of the resource.
func (e *export) usage(r *costResource, start time.Time, d time.Duration, effective float64) {
	list := effective / (1 - r.discount)
	e.charge("Usage", r.head, start, d, effective, list, r.kind.unit, r.price, list/r.price, r.tail)
}

// charge writes one row in costHeader's columns. A charge without a
// pricing unit (credits, fees) leaves the quantity and price columns NULL.
func (e *export) charge(category, head string, start time.Time, d time.Duration, effective, list float64, unit string, price, quantity float64, tail string) {
	b := appendMoney(e.buf, effective) // BilledCost: no commitments, so billed is effective
	b = append(b, e.lead...)
	b = append(b, category...)
	b = append(b, ",,"...)
	b = append(b, head...)
	b = append(b, ',')
	b = start.Add(d).AppendFormat(b, time.RFC3339)
	b = append(b, ',')
	b = start.AppendFormat(b, time.RFC3339)
	b = append(b, ',')
	quantity = math.Round(quantity*1e4) / 1e4
	if unit != "" {
		b = strconv.AppendFloat(b, quantity, 'f', -1, 64)
		b = append(b, ',')
		b = append(b, unit...)
	} else {
		b = append(b, ',')
	}
	b = append(b, ',')
	b = appendMoney(b, effective) // ContractedCost
	b = append(b, ',')
	b = appendMoney(b, effective)
	b = append(b, e.issuer...)
	b = appendMoney(b, list)
	b = append(b, ',')
	if unit != "" {
		b = strconv.AppendFloat(b, price, 'f', -1, 64)
		b = append(b, ",Standard,"...)
		b = strconv.AppendFloat(b, quantity, 'f', -1, 64)
		b = append(b, ',')
		b = append(b, unit...)
	} else {
		b = append(b, ",,,"...)
	}
	b = append(b, e.provider...)
	b = append(b, tail...)
	e.buf = append(b, '\n')
}

func appendMoney(b []byte, v float64) []byte {
	return strconv.AppendFloat(b, math.Round(v*1e6)/1e6, 'f', 6, 64)
}

// csvField quotes a field when it must be.
func csvField(s string) string {
	if !strings.ContainsAny(s, ",\"\n\r") {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// gauss turns a seed into a roughly normal number (mean 0, deviation 1),
// the same for the same seed: the sum of four uniform draws of splitmix64.
func gauss(seed uint64) float64 {
	sum := 0.0
	for i := 0; i < 4; i++ {
		seed += 0x9e3779b97f4a7c15
		z := seed
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		z ^= z >> 31
		sum += float64(z>>11) / (1 << 53)
	}
	return (sum - 2) * math.Sqrt(3)
}

// LoadCosts gives the demo six months of cloud bills and what follows
// from them: each month of each provider is generated for the catalog's
// services and imported through svc.Import, then every team gets a
// monthly budget (a few near or over it) and the budget and anomaly
// checks run once at now, so alerts exist from the first page view. No
// webhooks are configured in the demo, so delivery records every alert
// as failed, naming the missing webhook, as it would on a real server.
// app.LoadDemoHistory runs it when the store has no cost data yet.
func LoadCosts(ctx context.Context, svc *cost.Service, cat *catalog.Catalog, now time.Time) error {
	now = now.UTC()
	p := newCostPlan(cat.Current(), now)
	// The next file is generated while the last one is imported: the
	// import spends its time in the database, the generator on the CPU.
	gen, stop := context.WithCancel(ctx)
	defer stop()
	files := make(chan costFile, 1)
	go func() {
		defer close(files)
		for _, m := range p.months() {
			for _, b := range billings {
				f := p.file(b, m)
				if bytes.IndexByte(f.data, '\n') == len(f.data)-1 {
					continue // no charges yet (the 1st of a month)
				}
				select {
				case files <- f:
				case <-gen.Done():
					return
				}
			}
		}
	}()
	n := 0
	for f := range files {
		n++
		// A second apart, in order, so that the import list reads like a
		// history.
		at := now.Add(time.Duration(n-costMonths*len(billings)) * time.Second)
		if _, err := svc.Import(ctx, f.name, bytes.NewReader(f.data), cost.ImportOptions{ImportedBy: "demo", Now: at}); err != nil {
			stop()
			for range files { // until the generator has stopped
			}
			return fmt.Errorf("importing the demo bill %s: %w", f.name, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := setBudgets(ctx, svc, p, now); err != nil {
		return err
	}
	if _, _, err := svc.RunOnce(ctx, now); err != nil {
		return fmt.Errorf("running the demo's budget and anomaly checks: %w", err)
	}
	return nil
}

// setBudgets gives every team a monthly budget relative to where its
// current month is heading, so that most are comfortable and a few are
// near, at risk of or over their budget; and the service that spiked a
// budget of its own, which the spike ate into.
func setBudgets(ctx context.Context, svc *cost.Service, p *costPlan, now time.Time) error {
	month := now.Format("2006-01")
	fl, err := svc.Forecasts(ctx, month, "")
	if err != nil {
		return err
	}
	for _, f := range fl.Forecasts {
		ts, ok := teamSpends[f.Team]
		if !ok || f.Forecast <= 0 {
			continue // the unallocated spend has nobody to budget it
		}
		if _, err := svc.SetBudget(ctx, cost.Budget{Team: f.Team, Currency: f.Currency, Amount: roundBudget(f.Forecast * ts.budget)}); err != nil {
			return fmt.Errorf("setting the demo budget of %s: %w", f.Team, err)
		}
	}
	if p.spikeDay == "" {
		return nil
	}
	rep, err := svc.Report(ctx, month, "service", p.spikeTeam)
	if err != nil {
		return err
	}
	first, _ := time.Parse("2006-01", month)
	elapsed := p.end.Sub(first).Hours()/24 + 1
	days := float64(first.AddDate(0, 1, -1).Day())
	for _, row := range rep.Rows {
		if row.Key != p.spikeService || elapsed < 1 {
			continue
		}
		// Its usual month, the spike left out, with a little room.
		usual := row.EffectiveCost
		if strings.HasPrefix(p.spikeDay, month) {
			usual -= spikeAmount
		}
		usual = usual / elapsed * days
		if _, err := svc.SetBudget(ctx, cost.Budget{Team: p.spikeTeam, Service: p.spikeService, Currency: row.Currency, Amount: roundBudget(usual * 1.08)}); err != nil {
			return fmt.Errorf("setting the demo budget of %s: %w", p.spikeService, err)
		}
	}
	return nil
}

// roundBudget rounds an amount to what someone would set: hundreds below
// 10,000, then five hundreds.
func roundBudget(v float64) float64 {
	step := 100.0
	if v >= 10000 {
		step = 500
	}
	return math.Max(step, math.Round(v/step)*step)
}
