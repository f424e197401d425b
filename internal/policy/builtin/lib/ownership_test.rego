package paved.lib.ownership_test

import data.paved.lib.ownership

test_canonical_normalises if {
	ownership.canonical(" Payments Team ", {}) == "payments-team"
	ownership.canonical("payments_squad", {"payments-squad": "payments"}) == "payments"
	ownership.canonical("--A--b--", {}) == "a-b"
}

test_first_present_follows_key_order if {
	ownership.first_present({"owner": "b", "Team": "a"}, ["team", "owner"]) == "a"
	ownership.first_present({"owner": "b", "team": " "}, ["team", "owner"]) == "b"
	not ownership.first_present({"x": "y"}, ["team"])
}
