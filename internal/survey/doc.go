// Package survey runs paved's developer surveys: the quarterly eNPS
// question and the monthly SPACE pulse, defined in paved.yaml or through
// the API, answered through personal invite links, and reported per team
// only where enough people answered to keep every answer anonymous.
//
// Anonymity rests on three rules. An answer is stored apart from its
// invite, with only its team and day, so that answers cannot be joined
// back to the people the links were sent to. A group's results are shown
// only when at least surveys.min_responses people in it answered, and
// groups are folded together until no group, and no difference between
// what is shown, is smaller than that (see fold). And results are
// published only when a survey closes, so that nobody can watch them move
// after one person answers.
package survey
