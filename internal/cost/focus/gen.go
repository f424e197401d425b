package focus

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// GenColumns are the 37 FOCUS 1.0 columns Generate writes, in order: the
// 21 Mandatory ones and the Conditional ones exports usually carry.
var GenColumns = []string{
	"BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency",
	"BillingPeriodEnd", "BillingPeriodStart", "ChargeCategory", "ChargeClass",
	"ChargeDescription", "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart",
	"CommitmentDiscountId", "ConsumedQuantity", "ConsumedUnit", "ContractedCost",
	"EffectiveCost", "InvoiceIssuerName", "ListCost", "ListUnitPrice",
	"PricingCategory", "PricingQuantity", "PricingUnit", "ProviderName",
	"PublisherName", "RegionId", "RegionName", "ResourceId", "ResourceName",
	"ResourceType", "ServiceCategory", "ServiceName", "SkuId", "SkuPriceId",
	"SubAccountId", "SubAccountName", "Tags",
}

// Generate writes a synthetic FOCUS 1.0 CSV export of rows charges for
// September 2024, the same bytes for the same rows and seed. It is shaped
// like a real multi-cloud bill so that readers and importers can be
// measured on it: three providers (AWS, Microsoft, Google Cloud) under
// four billing accounts, one of which bills in EUR (about 15% of rows; the
// rest are USD); 40 sub-accounts; about 300 service names, a few of
// which carry most rows; some 2,400 resources, each with a fixed tag set
// (team, service, env, sometimes cost-center) out of about 20 per
// sub-account, about 15% of resources untagged; hourly charges; about 1%
// credits (negative costs), 1% tax and 1% commitment purchases. Rows
// average about 650 bytes, like real exports.
func Generate(w io.Writer, rows int, seed int64) error {
	g := newGenerator(seed)
	bw := bufio.NewWriterSize(w, 256<<10)
	var b []byte
	for i, c := range GenColumns {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, c...)
	}
	b = append(b, '\n')
	if _, err := bw.Write(b); err != nil {
		return err
	}
	for i := 0; i < rows; i++ {
		b = g.row(b[:0])
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}

type genProvider struct {
	name, publisher, issuer string
	services                []genService
	regions                 [][2]string // id, name
}

type genService struct {
	name, category, resourceType, unit, consumedUnit string
	price                                            float64 // typical unit price
}

type genAccount struct {
	provider           *genProvider
	billingID, billing string
	currency           string
	id, name           string
	resources          []genResource
	zipf               *rand.Zipf
}

// genResource holds what stays the same across a resource's rows,
// already CSV-encoded.
type genResource struct {
	service                       *genService
	static1                       string // ChargeDescription,ChargeFrequency
	resourceEtc                   string // RegionId … SubAccountName,Tags
	price, discount, commitShare  float64
	commitmentID                  string
	pricingUnit, consumedUnit     string
	listPrice, contractedDiscount float64
}

type generator struct {
	rng      *rand.Rand
	accounts []*genAccount
	weights  []float64 // cumulative, per account
	hours    []string  // ChargePeriodStart,ChargePeriodEnd per hour of the month, encoded
}

var genTeams = []struct{ team, costCenter string }{
	{"payments", "CC-1010"}, {"checkout", "CC-1010"}, {"search", "CC-1020"}, {"catalog", "CC-1020"},
	{"identity", "CC-1030"}, {"data-platform", "CC-1040"}, {"ml-ranking", "CC-1040"}, {"mobile-api", "CC-1050"},
	{"notifications", "CC-1050"}, {"platform", "CC-1000"}, {"observability", "CC-1000"}, {"growth", "CC-1060"},
}

var genApps = []string{"api", "worker", "web", "gateway", "scheduler", "ingest", "db", "cache", "stream", "batch", "indexer", "frontend"}

var genEnvs = []string{"prod", "prod", "prod", "staging", "dev"}

func newGenerator(seed int64) *generator {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	g := &generator{rng: rng}
	providers := genProviders()

	for h := 0; h < 30*24; h++ {
		day, hour := h/24+1, h%24
		end := fmt.Sprintf("2024-09-%02dT%02d:00:00Z", day, hour+1)
		if hour == 23 {
			end = fmt.Sprintf("2024-%02d-%02dT00:00:00Z", 9+day/30, day%30+1)
		}
		g.hours = append(g.hours, end+","+fmt.Sprintf("2024-09-%02dT%02d:00:00Z", day, hour))
	}

	type billing struct {
		p                   *genProvider
		id, name, currency  string
		subAccounts, weight int
	}
	billings := []billing{
		{&providers[0], "123456789012", "acme-payer", "USD", 20, 55},
		{&providers[1], "/providers/Microsoft.Billing/billingAccounts/86115371", "Acme Corp", "USD", 6, 15},
		{&providers[1], "/providers/Microsoft.Billing/billingAccounts/86115372", "Acme Europe GmbH", "EUR", 6, 15},
		{&providers[2], "01A2B3-C4D5E6-F7A8B9", "Acme Google Cloud", "USD", 8, 15},
	}
	total := 0.0
	for _, bl := range billings {
		for i := 0; i < bl.subAccounts; i++ {
			team := genTeams[(len(g.accounts)+i)%len(genTeams)].team
			env := []string{"prod", "staging", "dev"}[i%3]
			a := &genAccount{provider: bl.p, billingID: bl.id, billing: bl.name, currency: bl.currency}
			switch bl.p.name {
			case "AWS":
				a.id = fmt.Sprintf("%012d", 100000000000+rng.Int64N(899999999999))
				a.name = fmt.Sprintf("acme-%s-%s", team, env)
			case "Microsoft":
				a.id = fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", rng.Uint32(), rng.Uint32()&0xffff, rng.Uint32()&0xffff, rng.Uint32()&0xffff, rng.Uint64()&0xffffffffffff)
				a.name = fmt.Sprintf("Acme %s %s", strings.ToUpper(team[:1])+team[1:], strings.ToUpper(env))
			default:
				a.id = fmt.Sprintf("acme-%s-%s-%d", team, env, 100+rng.IntN(900))
				a.name = fmt.Sprintf("acme-%s-%s", team, env)
			}
			g.makeResources(a, team)
			g.accounts = append(g.accounts, a)
			total += float64(bl.weight) / float64(bl.subAccounts) * (0.3 + rng.Float64()*1.4)
			g.weights = append(g.weights, total)
		}
	}
	for i := range g.weights {
		g.weights[i] /= total
	}
	return g
}

// makeResources gives an account its resources, each with a service, a
// region and one of the account's ~20 tag sets (or none).
func (g *generator) makeResources(a *genAccount, homeTeam string) {
	rng := g.rng
	p := a.provider
	tagSets := make([]string, 20)
	for i := range tagSets {
		team := homeTeam
		if i%3 == 2 {
			team = genTeams[rng.IntN(len(genTeams))].team
		}
		var cc string
		for _, t := range genTeams {
			if t.team == team {
				cc = t.costCenter
			}
		}
		app := team + "-" + genApps[rng.IntN(len(genApps))]
		env := genEnvs[rng.IntN(len(genEnvs))]
		if i%4 == 0 {
			tagSets[i] = fmt.Sprintf(`{"team": "%s", "service": "%s", "env": "%s", "cost-center": "%s"}`, team, app, env, cc)
		} else {
			tagSets[i] = fmt.Sprintf(`{"team": "%s", "service": "%s", "env": "%s"}`, team, app, env)
		}
	}
	svcZipf := rand.NewZipf(rng, 1.15, 3, uint64(len(p.services)-1))
	n := 40 + rng.IntN(40)
	for i := 0; i < n; i++ {
		svc := &p.services[svcZipf.Uint64()]
		region := p.regions[rng.IntN(len(p.regions))]
		name := fmt.Sprintf("%s-%s-%02d", homeTeam, strings.ToLower(strings.ReplaceAll(svc.resourceType, " ", "-")), i)
		var id, sku string
		switch p.name {
		case "AWS":
			id = fmt.Sprintf("arn:aws:%s:%s:%s:%s/%s-%08x", strings.ToLower(strings.Fields(svc.name)[len(strings.Fields(svc.name))-1]), region[0], a.id, strings.ToLower(strings.ReplaceAll(svc.resourceType, " ", "-")), name, rng.Uint32())
			sku = fmt.Sprintf("%016X", rng.Uint64())[:16]
		case "Microsoft":
			id = fmt.Sprintf("/subscriptions/%s/resourceGroups/rg-%s/providers/Microsoft.%s/%s", a.id, homeTeam, strings.ReplaceAll(svc.resourceType, " ", ""), name)
			sku = fmt.Sprintf("DZH318Z0%04X", rng.IntN(0xffff))
		default:
			id = fmt.Sprintf("//%s.googleapis.com/projects/%s/locations/%s/%s/%s", strings.ToLower(strings.Fields(svc.name)[0]), a.id, region[0], strings.ToLower(strings.ReplaceAll(svc.resourceType, " ", "")), name)
			sku = fmt.Sprintf("%04X-%04X-%04X", rng.IntN(0xffff), rng.IntN(0xffff), rng.IntN(0xffff))
		}
		tags := ""
		if rng.Float64() >= 0.15 {
			tags = tagSets[rng.IntN(len(tagSets))]
		}
		price := svc.price * math.Exp(rng.NormFloat64()*0.4)
		r := genResource{
			service:            svc,
			price:              price,
			listPrice:          price,
			discount:           1 - []float64{0, 0, 0, 0.1, 0.2, 0.35}[rng.IntN(6)],
			contractedDiscount: 1 - []float64{0, 0.05, 0.1}[rng.IntN(3)],
			pricingUnit:        svc.unit,
			consumedUnit:       svc.consumedUnit,
		}
		if rng.IntN(5) == 0 {
			r.commitmentID = fmt.Sprintf("%s-commitment-%04d", strings.ToLower(p.name), rng.IntN(10000))
			r.commitShare = 0.6
		}
		var sb []byte
		sb = appendCSV(sb, fmt.Sprintf("$%s per %s for %s", strconv.FormatFloat(price, 'f', 4, 64), svc.unit, svc.name))
		sb = append(sb, ",Usage-Based"...)
		r.static1 = string(sb)
		sb = sb[:0]
		for i, f := range []string{region[0], region[1], id, name, svc.resourceType, svc.category, svc.name, sku,
			sku + "." + fmt.Sprintf("%08X", rng.Uint32()), a.id, a.name, tags} {
			if i > 0 {
				sb = append(sb, ',')
			}
			sb = appendCSV(sb, f)
		}
		r.resourceEtc = string(sb)
		a.resources = append(a.resources, r)
	}
	a.zipf = rand.NewZipf(rng, 1.1, 2, uint64(len(a.resources)-1))
}

func (g *generator) row(b []byte) []byte {
	rng := g.rng
	u := rng.Float64()
	ai := 0
	for ai < len(g.weights)-1 && g.weights[ai] < u {
		ai++
	}
	a := g.accounts[ai]
	r := &a.resources[a.zipf.Uint64()]
	hour := rng.IntN(len(g.hours))

	category, frequency := "Usage", ""
	qty := math.Round(rng.ExpFloat64()*3*1e6) / 1e6
	if qty == 0 {
		qty = 0.000001
	}
	list := r.listPrice * qty
	contracted := list * r.contractedDiscount
	billed := contracted * r.discount
	effective := billed
	commitment := ""
	pricingCategory := "Standard"
	if r.commitmentID != "" && rng.Float64() < r.commitShare {
		commitment, pricingCategory = r.commitmentID, "Committed"
		effective, billed = contracted*0.62, 0
	}
	switch x := rng.Float64(); {
	case x < 0.01:
		category, frequency = "Credit", "One-Time"
		billed = -math.Round(rng.Float64()*5000) / 100
		effective, list, contracted, qty = billed, billed, billed, 0
		commitment, pricingCategory = "", ""
	case x < 0.02:
		category, frequency = "Tax", "Recurring"
		billed = billed * 0.19
		effective, list, contracted, qty = billed, billed, billed, 0
		commitment, pricingCategory = "", ""
	case x < 0.03 && r.commitmentID != "":
		category, frequency = "Purchase", "Recurring"
		billed = r.price * 24 * 0.62
		effective, list, contracted = 0, billed/0.62, billed/0.62
		commitment, qty = r.commitmentID, 24
	}

	b = appendCost(b, billed)
	b = append(b, ',')
	b = appendCSV(b, a.billingID)
	b = append(b, ',')
	b = appendCSV(b, a.billing)
	b = append(b, ',')
	b = append(b, a.currency...)
	b = append(b, ",2024-10-01T00:00:00Z,2024-09-01T00:00:00Z,"...)
	b = append(b, category...)
	b = append(b, ",,"...) // ChargeClass
	if frequency == "" {
		b = append(b, r.static1...)
	} else {
		b = appendCSV(b, category+": "+r.service.name)
		b = append(b, ',')
		b = append(b, frequency...)
	}
	b = append(b, ',')
	b = append(b, g.hours[hour]...)
	b = append(b, ',')
	b = append(b, commitment...)
	b = append(b, ',')
	if qty != 0 && category == "Usage" {
		consumed := qty
		if r.consumedUnit == "Seconds" {
			consumed *= 3600
		}
		b = strconv.AppendFloat(b, consumed, 'f', -1, 64)
		b = append(b, ',')
		b = append(b, r.consumedUnit...)
	} else {
		b = append(b, ',')
	}
	b = append(b, ',')
	b = appendCost(b, contracted)
	b = append(b, ',')
	b = appendCost(b, effective)
	b = append(b, ',')
	b = appendCSV(b, a.provider.issuer)
	b = append(b, ',')
	b = appendCost(b, list)
	b = append(b, ',')
	if qty != 0 {
		b = strconv.AppendFloat(b, r.listPrice, 'f', 10, 64)
	}
	b = append(b, ',')
	b = append(b, pricingCategory...)
	b = append(b, ',')
	if qty != 0 {
		b = strconv.AppendFloat(b, qty, 'f', -1, 64)
		b = append(b, ',')
		b = append(b, r.pricingUnit...)
	} else {
		b = append(b, ',')
	}
	b = append(b, ',')
	b = appendCSV(b, a.provider.name)
	b = append(b, ',')
	b = appendCSV(b, a.provider.publisher)
	b = append(b, ',')
	b = append(b, r.resourceEtc...)
	return append(b, '\n')
}

// appendCost writes a cost the way exports do: ten decimals.
func appendCost(b []byte, v float64) []byte {
	if v == 0 {
		return append(b, "0.0000000000"...)
	}
	return strconv.AppendFloat(b, v, 'f', 10, 64)
}

// appendCSV writes one field, quoted when it must be.
func appendCSV(b []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\n\r") {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// genProviders lists the three providers, each with its real services
// and marketplace listings, about 300 service names in all.
func genProviders() []genProvider {
	aws := genProvider{name: "AWS", publisher: "Amazon Web Services, Inc.", issuer: "Amazon Web Services, Inc.",
		regions: [][2]string{{"us-east-1", "US East (N. Virginia)"}, {"us-west-2", "US West (Oregon)"}, {"eu-west-1", "Europe (Ireland)"}, {"eu-central-1", "Europe (Frankfurt)"}, {"ap-southeast-1", "Asia Pacific (Singapore)"}}}
	azure := genProvider{name: "Microsoft", publisher: "Microsoft", issuer: "Microsoft",
		regions: [][2]string{{"eastus", "East US"}, {"westeurope", "West Europe"}, {"northeurope", "North Europe"}, {"westus2", "West US 2"}}}
	gcp := genProvider{name: "Google Cloud", publisher: "Google", issuer: "Google Cloud EMEA Limited",
		regions: [][2]string{{"us-central1", "Iowa"}, {"europe-west1", "Belgium"}, {"europe-west4", "Netherlands"}, {"asia-east1", "Taiwan"}}}

	type s = genService
	aws.services = []s{
		{"Amazon Elastic Compute Cloud", "Compute", "Instance", "Hours", "Seconds", 0.0832},
		{"Amazon Simple Storage Service", "Storage", "Bucket", "GB-Mo", "Bytes", 0.023},
		{"Amazon Relational Database Service", "Databases", "DB Instance", "Hours", "Seconds", 0.171},
		{"Amazon Elastic Kubernetes Service", "Compute", "Cluster", "Hours", "Seconds", 0.10},
		{"Amazon Virtual Private Cloud", "Networking", "NAT Gateway", "Hours", "Seconds", 0.045},
		{"AWS Lambda", "Compute", "Function", "Lambda-GB-Second", "GB-Seconds", 0.0000166667},
		{"Amazon CloudWatch", "Management and Governance", "Log Group", "GB", "Bytes", 0.50},
		{"Amazon DynamoDB", "Databases", "Table", "ReadRequestUnits", "Requests", 0.00000025},
		{"Elastic Load Balancing", "Networking", "Load Balancer", "LCU-Hrs", "LCU-Seconds", 0.008},
		{"Amazon ElastiCache", "Databases", "Cache Cluster", "Hours", "Seconds", 0.068},
		{"Amazon CloudFront", "Networking", "Distribution", "GB", "Bytes", 0.085},
		{"Amazon Simple Queue Service", "Integration", "Queue", "Requests", "Requests", 0.0000004},
		{"Amazon Simple Notification Service", "Integration", "Topic", "Requests", "Requests", 0.0000005},
		{"Amazon Route 53", "Networking", "Hosted Zone", "Queries", "Queries", 0.0000004},
		{"Amazon Elastic Container Registry", "Storage", "Repository", "GB-Mo", "Bytes", 0.10},
		{"Amazon OpenSearch Service", "Analytics", "Domain", "Hours", "Seconds", 0.167},
		{"Amazon Kinesis", "Analytics", "Stream", "ShardHour", "Seconds", 0.015},
		{"Amazon Redshift", "Databases", "Cluster", "Hours", "Seconds", 0.25},
		{"Amazon Elastic File System", "Storage", "File System", "GB-Mo", "Bytes", 0.30},
		{"AWS Key Management Service", "Security", "Key", "Keys", "Requests", 1.0 / 730},
		{"AWS Secrets Manager", "Security", "Secret", "Secrets", "Secrets", 0.40 / 730},
		{"Amazon Athena", "Analytics", "Workgroup", "Terabytes", "Bytes", 5.0},
		{"AWS Glue", "Analytics", "Job", "DPU-Hour", "Seconds", 0.44},
		{"Amazon SageMaker", "AI and Machine Learning", "Endpoint", "Hours", "Seconds", 0.23},
		{"Amazon Bedrock", "AI and Machine Learning", "Model", "Tokens", "Tokens", 0.000003},
		{"AWS WAF", "Security", "Web ACL", "Requests", "Requests", 0.0000006},
		{"Amazon GuardDuty", "Security", "Detector", "Events", "Events", 0.000004},
		{"AWS Config", "Management and Governance", "Recorder", "ConfigurationItemRecorded", "Items", 0.003},
		{"AWS CloudTrail", "Management and Governance", "Trail", "Events", "Events", 0.000002},
		{"Amazon MQ", "Integration", "Broker", "Hours", "Seconds", 0.072},
		{"Amazon Managed Streaming for Apache Kafka", "Analytics", "Cluster", "Hours", "Seconds", 0.21},
		{"AWS Backup", "Storage", "Backup Vault", "GB-Mo", "Bytes", 0.05},
		{"Amazon EC2 Container Service", "Compute", "Service", "vCPU-Hours", "Seconds", 0.04048},
		{"AWS Step Functions", "Integration", "State Machine", "StateTransitions", "Transitions", 0.000025},
		{"Amazon API Gateway", "Networking", "API", "Requests", "Requests", 0.0000035},
	}
	azure.services = []s{
		{"Virtual Machines", "Compute", "Virtual Machine", "1 Hour", "Hours", 0.096},
		{"Storage", "Storage", "Storage Account", "1 GB/Month", "GB", 0.0184},
		{"Azure Kubernetes Service", "Compute", "Managed Cluster", "1 Hour", "Hours", 0.10},
		{"SQL Database", "Databases", "Database", "1 Hour", "Hours", 0.5044},
		{"Azure Cosmos DB", "Databases", "Database Account", "100 RU/s", "Hours", 0.008},
		{"Azure App Service", "Compute", "App Service Plan", "1 Hour", "Hours", 0.095},
		{"Azure Functions", "Compute", "Function App", "1 GB Second", "GB Seconds", 0.000016},
		{"Bandwidth", "Networking", "Network Interface", "1 GB", "GB", 0.087},
		{"Load Balancer", "Networking", "Load Balancer", "1 Hour", "Hours", 0.025},
		{"Azure Monitor", "Management and Governance", "Log Analytics Workspace", "1 GB", "GB", 2.30},
		{"Key Vault", "Security", "Vault", "10K Operations", "Operations", 0.03},
		{"Azure Cache for Redis", "Databases", "Redis Cache", "1 Hour", "Hours", 0.055},
		{"Service Bus", "Integration", "Namespace", "1M Operations", "Operations", 0.05},
		{"Event Hubs", "Analytics", "Namespace", "1 Hour", "Hours", 0.03},
		{"Azure Database for PostgreSQL", "Databases", "Flexible Server", "1 Hour", "Hours", 0.178},
		{"Container Registry", "Storage", "Registry", "1/Day", "Days", 0.167},
		{"Azure DNS", "Networking", "DNS Zone", "1M Queries", "Queries", 0.40},
		{"Azure Front Door", "Networking", "Front Door", "1 GB", "GB", 0.083},
		{"Application Gateway", "Networking", "Application Gateway", "1 Hour", "Hours", 0.246},
		{"Azure Data Factory v2", "Analytics", "Data Factory", "1K Activity Runs", "Runs", 1.0},
		{"Azure Synapse Analytics", "Analytics", "Workspace", "1 TB", "TB", 5.0},
		{"Azure OpenAI Service", "AI and Machine Learning", "Cognitive Services Account", "1K Tokens", "Tokens", 0.002},
		{"Azure Machine Learning", "AI and Machine Learning", "Workspace", "1 Hour", "Hours", 0.90},
		{"Microsoft Defender for Cloud", "Security", "Security Pricing", "1 Hour", "Hours", 0.02},
		{"Azure Backup", "Storage", "Recovery Services Vault", "1 GB/Month", "GB", 0.0224},
		{"Virtual Network", "Networking", "Virtual Network", "1 GB", "GB", 0.01},
		{"Azure Firewall", "Security", "Firewall", "1 Hour", "Hours", 1.25},
		{"Log Analytics", "Management and Governance", "Workspace", "1 GB", "GB", 2.76},
		{"Azure Container Apps", "Compute", "Container App", "1 vCPU Second", "Seconds", 0.000024},
		{"API Management", "Integration", "Service", "1 Hour", "Hours", 0.0658},
	}
	gcp.services = []s{
		{"Compute Engine", "Compute", "Instance", "hour", "seconds", 0.0475},
		{"Cloud Storage", "Storage", "Bucket", "gibibyte month", "bytes", 0.020},
		{"Kubernetes Engine", "Compute", "Cluster", "hour", "seconds", 0.10},
		{"BigQuery", "Databases", "Dataset", "tebibyte", "bytes", 6.25},
		{"Cloud SQL", "Databases", "Instance", "hour", "seconds", 0.0413},
		{"Cloud Run", "Compute", "Service", "vCPU-second", "seconds", 0.000024},
		{"Cloud Functions", "Compute", "Function", "GB-second", "seconds", 0.0000025},
		{"Networking", "Networking", "Forwarding Rule", "gibibyte", "bytes", 0.085},
		{"Cloud Logging", "Management and Governance", "Log Bucket", "gibibyte", "bytes", 0.50},
		{"Cloud Monitoring", "Management and Governance", "Metric", "mebibyte", "bytes", 0.258},
		{"Cloud Pub/Sub", "Integration", "Topic", "tebibyte", "bytes", 40},
		{"Cloud Spanner", "Databases", "Instance", "hour", "seconds", 0.90},
		{"Memorystore for Redis", "Databases", "Instance", "gibibyte hour", "seconds", 0.049},
		{"Vertex AI", "AI and Machine Learning", "Endpoint", "hour", "seconds", 0.75},
		{"Artifact Registry", "Storage", "Repository", "gibibyte month", "bytes", 0.10},
		{"Cloud DNS", "Networking", "Managed Zone", "count", "queries", 0.0000004},
		{"Cloud Load Balancing", "Networking", "Load Balancer", "hour", "seconds", 0.025},
		{"Secret Manager", "Security", "Secret", "count", "operations", 0.000003},
		{"Cloud Key Management Service", "Security", "Key Ring", "count", "operations", 0.000003},
		{"Dataflow", "Analytics", "Job", "hour", "seconds", 0.056},
		{"Dataproc", "Analytics", "Cluster", "hour", "seconds", 0.01},
		{"Firestore", "Databases", "Database", "count", "operations", 0.0000006},
		{"Cloud Build", "Developer Tools", "Build", "minute", "seconds", 0.003},
		{"Filestore", "Storage", "Instance", "gibibyte hour", "bytes", 0.00027},
		{"Cloud Armor", "Security", "Security Policy", "count", "requests", 0.00000075},
	}
	// Marketplace listings: many names, little spend each.
	vendors := []string{"Datadog", "Elastic", "MongoDB", "Confluent", "Snowflake", "HashiCorp", "GitLab", "Sysdig",
		"New Relic", "Splunk", "Redis Ltd", "Cloudflare", "Okta", "Palo Alto Networks", "CrowdStrike", "Fortinet",
		"Check Point", "Trend Micro", "Qualys", "Tenable", "Sumo Logic", "PagerDuty", "Grafana Labs", "Databricks",
		"Aiven", "Couchbase", "Neo4j", "Teradata", "Informatica", "Wiz", "Snyk", "JFrog"}
	products := []string{"Cloud", "Enterprise", "Pro", "Platform", "Observability", "Security Suite", "Data Connector"}
	mk := []*genProvider{&aws, &azure, &gcp}
	n := 0
	for vi, v := range vendors {
		for pi, p := range products {
			if (vi+pi)%7 == 6 { // not every vendor sells every product
				continue
			}
			prov := mk[n%3]
			n++
			prefix := map[string]string{"AWS": "AWS Marketplace: ", "Microsoft": "Azure Marketplace: ", "Google Cloud": "Google Cloud Marketplace: "}[prov.name]
			prov.services = append(prov.services, genService{prefix + v + " " + p, "Other", "Subscription", "Units", "Units", 0.5 + float64((vi*7+pi)%40)})
		}
	}
	return []genProvider{aws, azure, gcp}
}

// GenerateCatalog writes a paved catalog file with the teams and services
// Generate tags its charges with (every team, and a team-app service for
// each app), so that a benchmark can allocate them as a real organisation
// would. Charges tagged with no team, or a team's service the generator
// never used, stay unallocated as they would in life.
func GenerateCatalog(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "# Generated by focus.GenerateCatalog: the owners of focus.Generate's tags.")
	fmt.Fprintln(bw, "teams:")
	for _, t := range genTeams {
		fmt.Fprintf(bw, "  - name: %s\n", t.team)
	}
	fmt.Fprintln(bw, "services:")
	for _, t := range genTeams {
		for _, app := range genApps {
			fmt.Fprintf(bw, "  - {name: %s-%s, team: %s}\n", t.team, app, t.team)
		}
	}
	return bw.Flush()
}
