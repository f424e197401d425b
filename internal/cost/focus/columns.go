package focus

// The FOCUS column catalogue: which columns each version defines, which
// it marks Mandatory, and which columns tell the versions apart.
//
// Source: the FOCUS specification's column pages ("Feature level" in each
// column's Content Constraints and "Introduced (version)"), FinOps
// Foundation, FOCUS_Spec repository, versions 1.0, 1.1, 1.2 and 1.3.
// Only Cost and Usage dataset columns are listed; the 1.3 Contract
// Commitment dataset is a separate file and not read here.

// columns10 are the 43 columns of FOCUS 1.0.
var columns10 = []string{
	"AvailabilityZone", "BilledCost", "BillingAccountId", "BillingAccountName",
	"BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart", "ChargeCategory",
	"ChargeClass", "ChargeDescription", "ChargeFrequency", "ChargePeriodEnd",
	"ChargePeriodStart", "CommitmentDiscountCategory", "CommitmentDiscountId",
	"CommitmentDiscountName", "CommitmentDiscountStatus", "CommitmentDiscountType",
	"ConsumedQuantity", "ConsumedUnit", "ContractedCost", "ContractedUnitPrice",
	"EffectiveCost", "InvoiceIssuerName", "ListCost", "ListUnitPrice",
	"PricingCategory", "PricingQuantity", "PricingUnit", "ProviderName",
	"PublisherName", "RegionId", "RegionName", "ResourceId", "ResourceName",
	"ResourceType", "ServiceCategory", "ServiceName", "SkuId", "SkuPriceId",
	"SubAccountId", "SubAccountName", "Tags",
}

// added11 are the columns FOCUS 1.1 introduced. Any of them marks a file
// as at least 1.1.
var added11 = []string{
	"CapacityReservationId", "CapacityReservationStatus",
	"CommitmentDiscountQuantity", "CommitmentDiscountUnit",
	"ServiceSubcategory", "SkuMeter", "SkuPriceDetails",
}

// added12 are the columns FOCUS 1.2 introduced. Any of them marks a file
// as at least 1.2.
var added12 = []string{
	"BillingAccountType", "SubAccountType", "InvoiceId", "PricingCurrency",
	"PricingCurrencyContractedUnitPrice", "PricingCurrencyEffectiveCost",
	"PricingCurrencyListUnitPrice",
}

// added13 are the columns FOCUS 1.3 introduced. Any of them marks a file
// as 1.3. ServiceProviderName and HostProviderName replace the deprecated
// ProviderName and PublisherName.
var added13 = []string{
	"ServiceProviderName", "HostProviderName",
	"AllocatedMethodId", "AllocatedMethodDetails", "AllocatedResourceId",
	"AllocatedResourceName", "AllocatedTags", "ContractApplied",
}

// mandatory10 is what FOCUS 1.0 marks Mandatory. FOCUS 1.1 and 1.2 add
// no Mandatory column (every column they introduce is Conditional or
// Recommended) and demote none, so the same set applies to them.
var mandatory10 = []string{
	"BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency",
	"BillingPeriodEnd", "BillingPeriodStart", "ChargeCategory", "ChargeClass",
	"ChargeDescription", "ChargePeriodEnd", "ChargePeriodStart", "ContractedCost",
	"EffectiveCost", "InvoiceIssuerName", "ListCost", "PricingQuantity",
	"PricingUnit", "ProviderName", "PublisherName", "ServiceCategory", "ServiceName",
}

// mandatory13 is what FOCUS 1.3 marks Mandatory, less the two columns it
// deprecates: the 1.3 text still marks ProviderName and PublisherName
// Mandatory, but a 1.3 export that already dropped them is not worth a
// warning, since ServiceProviderName and HostProviderName carry the same.
var mandatory13 = []string{
	"BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency",
	"BillingPeriodEnd", "BillingPeriodStart", "ChargeCategory", "ChargeClass",
	"ChargeDescription", "ChargePeriodEnd", "ChargePeriodStart", "ContractedCost",
	"EffectiveCost", "HostProviderName", "InvoiceIssuerName", "ListCost",
	"PricingQuantity", "PricingUnit", "ServiceCategory", "ServiceName",
	"ServiceProviderName",
}

// required are the columns paved cannot import without, whatever the
// version: the costs, their currency, when they were incurred and billed,
// and whose they are. ProviderName is satisfied by ServiceProviderName
// (1.3) as well.
var required = []string{
	"BilledCost", "EffectiveCost", "BillingCurrency", "ChargePeriodStart",
	"BillingPeriodStart", "ProviderName", "BillingAccountId",
}

// preFOCUS10 are column names of FOCUS 0.5 and 1.0-preview that 1.0
// renamed; seeing them explains a missing-column error.
var preFOCUS10 = []string{"AmortizedCost", "ChargeType", "Provider", "Publisher", "InvoiceIssuer", "UsageQuantity", "UsageUnit", "Region"}

// focusColumns is every column any supported version defines.
var focusColumns = func() map[string]bool {
	m := map[string]bool{}
	for _, set := range [][]string{columns10, added11, added12, added13} {
		for _, c := range set {
			m[c] = true
		}
	}
	return m
}()

// IsColumn reports whether name is a column of FOCUS 1.0 to 1.3 (the
// Cost and Usage dataset), for checking what allocation rules match on.
func IsColumn(name string) bool { return focusColumns[name] }

// detectVersion names the newest FOCUS version whose distinguishing
// columns the header has: 1.3 for any of added13, 1.2 for added12, 1.1
// for added11, else 1.0.
func detectVersion(has func(string) bool) string {
	for _, v := range []struct {
		version string
		cols    []string
	}{{"1.3", added13}, {"1.2", added12}, {"1.1", added11}} {
		for _, c := range v.cols {
			if has(c) {
				return v.version
			}
		}
	}
	return "1.0"
}

// mandatoryFor returns the Mandatory column set of a version.
func mandatoryFor(version string) []string {
	if version == "1.3" {
		return mandatory13
	}
	return mandatory10
}
