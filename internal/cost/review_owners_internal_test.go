package cost

import "testing"

// testSuggester knows payments (services checkout, payments-api and
// paysafe), payroll (paystub, payslip), search (search-api),
// data-platform (displayed "Data Platform") and ml (too short to match by
// prefix), and that payments owns 80% of the allocated USD spend in
// account 222.
func testSuggester() *suggester {
	sg := &suggester{
		accounts:      map[accountKey]accountOwner{{"AWS", "222", "USD"}: {team: "payments", share: 0.8}},
		ownershipKeys: []string{"team", "service"},
	}
	for _, n := range [][3]string{
		{"payments", "payments", ""}, {"Payments", "payments", ""},
		{"search", "search", ""}, {"data-platform", "data-platform", ""}, {"Data Platform", "data-platform", ""},
		{"ml", "ml", ""}, {"payroll", "payroll", ""},
		{"checkout", "payments", "checkout"}, {"payments-api", "payments", "payments-api"}, {"search-api", "search", "search-api"},
		{"paystub", "payroll", "paystub"}, {"payslip", "payroll", "payslip"}, {"paysafe", "payments", "paysafe"},
	} {
		sg.addName(n[0], n[1], n[2])
	}
	return sg
}

func TestClosestName(t *testing.T) {
	sg := testSuggester()
	for _, tc := range []struct {
		raw   string
		want  string // catalogName.String(), "" for no match
		exact bool
	}{
		{"payments", "team payments", true},
		{"Payments Squad", "team payments", false},   // the name is a prefix of the value
		{"paym", "team payments", false},             // the value is a prefix of the name
		{"DataPlatform", "team data-platform", true}, // dashes do not matter
		{"data_platform_etl", "team data-platform", false},
		{"legacy-checkout-v1", "service checkout of team payments", false},      // the name inside the value
		{"payments-api-canary", "service payments-api of team payments", false}, // the longer name wins
		{"search-api", "service search-api of team search", true},
		{"ml", "", false},       // too short to match anything
		{"mlops", "", false},    // "ml" is too short to match as a prefix
		{"pays", "", false},     // paysafe of payments and paystub of payroll tie
		{"nat-gw-1", "", false}, // nothing alike
		{"", "", false},
	} {
		n, exact, ok := sg.closest(tc.raw)
		got := ""
		if ok {
			got = n.String()
		}
		if got != tc.want || exact != tc.exact {
			t.Errorf("closest(%q) = %q exact %v, want %q exact %v", tc.raw, got, exact, tc.want, tc.exact)
		}
	}
}

func TestSuggestOwner(t *testing.T) {
	sg := testSuggester()
	for _, tc := range []struct {
		name        string
		d           UnallocatedDetail
		accountName string
		want        string // "team via: reason", "" for none
	}{
		{"the account's main team first", UnallocatedDetail{Provider: "AWS", Account: "222", Currency: "USD", Tags: `{"squad": "search"}`},
			"", "payments account: owns 80.0% of the allocated USD spend in account 222"},
		{"not across currencies", UnallocatedDetail{Provider: "AWS", Account: "222", Currency: "EUR", Tags: `{}`}, "", ""},
		{"a team-like tag", UnallocatedDetail{Account: "999", Tags: `{"Owner": "Payments-Squad"}`},
			"", "payments tag: tag Owner=Payments-Squad is close to team payments"},
		{"ownership keys before others", UnallocatedDetail{Account: "999", Tags: `{"app": "search-api", "team": "data platform"}`},
			"", "data-platform tag: tag team=data platform names team data-platform"},
		{"other tags are not names", UnallocatedDetail{Account: "999", Tags: `{"env": "payments", "cost-centre": "search"}`}, "", ""},
		{"then the resource's name", UnallocatedDetail{Account: "999", ResourceName: "checkout-db-7", Tags: `{"squad": "nobody"}`},
			"", `payments name: resource name "checkout-db-7" is close to service checkout of team payments`},
		{"then the account's name", UnallocatedDetail{Account: "999", ResourceName: "nat-gw-1"},
			"Search sandbox", `search name: account name "Search sandbox" is close to team search`},
		{"nothing to go on", UnallocatedDetail{Account: "999", ResourceName: "nat-gw-1", Tags: "not json"}, "Sandbox", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			if s := sg.forResource(tc.d, tc.accountName); s != nil {
				got = s.Team + " " + s.Via + ": " + s.Reason
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
