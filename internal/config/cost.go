package config

import (
	"fmt"
	"math"
	"path"
	"strings"
)

// Cost configures FinOps: how charges no tag or catalog entry explains
// are allocated, and how shared charges are split across teams.
type Cost struct {
	// Allocation rules apply, first match wins, to charges whose tags and
	// accounts name no owner.
	Allocation []AllocationRule `yaml:"allocation"`
	// Shared rules take matching charges out of direct allocation and
	// split them across teams.
	Shared []SharedRule `yaml:"shared"`
}

// AllocationRule gives matching charges an owner.
type AllocationRule struct {
	Name string `yaml:"name"`
	// Match maps FOCUS column names (or x_ columns) to glob patterns
	// (path.Match: *, ?, [..]); every entry must match.
	Match       map[string]string `yaml:"match"`
	Team        string            `yaml:"team"`
	Service     string            `yaml:"service"`
	Environment string            `yaml:"environment"`
}

// Split methods of shared costs, as AWS Cost Categories and Kubecost name
// them.
const (
	SplitProportional = "proportional"
	SplitEven         = "even"
	SplitFixed        = "fixed"
)

// SharedRule splits matching charges across teams.
type SharedRule struct {
	Name  string            `yaml:"name"`
	Match map[string]string `yaml:"match"`
	// Method: proportional to each team's direct spend in the month,
	// even, or fixed percentages.
	Method string `yaml:"method"`
	// Teams limits the split to these teams (proportional, even); empty
	// means every team with direct spend that month.
	Teams []string `yaml:"teams"`
	// Percentages per team for the fixed method; they sum to 100.
	Percentages map[string]float64 `yaml:"percentages"`
}

func (v *validator) cost(c Config) {
	names := map[string]string{}
	checkMatch := func(p string, m map[string]string) {
		if len(m) == 0 {
			v.add(p, "is empty; name at least one FOCUS column and a pattern, e.g. ServiceCategory: Networking")
		}
		for col, pat := range m {
			if !strings.HasPrefix(col, "x_") && !FOCUSColumns[col] {
				v.add(p+"."+col, "%q is not a FOCUS column; use a FOCUS column name (e.g. SubAccountId, ServiceCategory, ResourceId) or an x_ provider column", col)
			}
			if _, err := path.Match(pat, ""); err != nil {
				v.add(p+"."+col, "%q is not a valid pattern (use * and ? wildcards)", pat)
			}
		}
	}
	checkName := func(p, name string) {
		if name == "" {
			v.add(p+".name", "is required: it names the rule in reports")
		} else if prev, dup := names[name]; dup {
			v.add(p+".name", "duplicate rule name %q (also %s)", name, prev)
		} else {
			names[name] = p
		}
	}
	for i, r := range c.Cost.Allocation {
		p := fmt.Sprintf("cost.allocation[%d]", i)
		checkName(p, r.Name)
		checkMatch(p+".match", r.Match)
		if r.Team == "" {
			v.add(p+".team", "is required: the team the matching charges belong to")
		}
		if r.Environment != "" && !c.hasEnvironment(r.Environment) {
			v.add(p+".environment", "%q is not a configured environment; valid: %s", r.Environment, strings.Join(envNames(c.Environments), ", "))
		}
	}
	for i, r := range c.Cost.Shared {
		p := fmt.Sprintf("cost.shared[%d]", i)
		checkName(p, r.Name)
		checkMatch(p+".match", r.Match)
		switch r.Method {
		case SplitProportional, SplitEven:
			if len(r.Percentages) > 0 {
				v.add(p+".percentages", "only the fixed method takes percentages")
			}
		case SplitFixed:
			if len(r.Percentages) == 0 {
				v.add(p+".percentages", "the fixed method needs percentages per team, summing to 100")
			}
			sum := 0.0
			for team, pct := range r.Percentages {
				if pct <= 0 {
					v.add(p+".percentages."+team, "%v must be above 0", pct)
				}
				sum += pct
			}
			if len(r.Percentages) > 0 && math.Abs(sum-100) > 0.001 {
				v.add(p+".percentages", "sum to %v; they must sum to 100", sum)
			}
		default:
			v.add(p+".method", "%q is not a split method; valid: %s, %s, %s", r.Method, SplitProportional, SplitEven, SplitFixed)
		}
	}
}

// FOCUSColumns are the column names of FOCUS 1.0 to 1.3, for validating
// the columns allocation rules match on.
var FOCUSColumns = func() map[string]bool {
	cols := strings.Fields(`AvailabilityZone BilledCost BillingAccountId BillingAccountName
	BillingAccountType BillingCurrency BillingPeriodEnd BillingPeriodStart CapacityReservationId
	CapacityReservationStatus ChargeCategory ChargeClass ChargeDescription ChargeFrequency
	ChargePeriodEnd ChargePeriodStart CommitmentDiscountCategory CommitmentDiscountId
	CommitmentDiscountName CommitmentDiscountQuantity CommitmentDiscountStatus
	CommitmentDiscountType CommitmentDiscountUnit ConsumedQuantity ConsumedUnit ContractedCost
	ContractedUnitPrice EffectiveCost HostProviderName InvoiceId InvoiceIssuerName ListCost
	ListUnitPrice PricingCategory PricingCurrency PricingCurrencyContractedUnitPrice
	PricingCurrencyEffectiveCost PricingCurrencyListUnitPrice PricingQuantity PricingUnit
	ProviderName PublisherName RegionId RegionName ResourceId ResourceName ResourceType
	ServiceCategory ServiceName ServiceProviderName ServiceSubcategory SkuId SkuMeter SkuPriceDetails
	SkuPriceId SubAccountId SubAccountName SubAccountType Tags ContractApplied AllocatedMethodId
	AllocatedMethodDetails AllocatedResourceId AllocatedResourceName AllocatedTags`)
	m := make(map[string]bool, len(cols))
	for _, c := range cols {
		m[c] = true
	}
	return m
}()
