package views

import (
	"net/url"
	"strconv"
	"strings"

	"testgate/store"
)

// InvitationRow is an invitation with its candidate URL.
type InvitationRow struct {
	Invitation store.Invitation
	URL        string
}

// InvitationFilter is the list's filter as the URL carries it.
type InvitationFilter struct {
	TestID int64
	LinkID int64
	Status string
	Query  string
	Sort   string
	Desc   bool
	Page   int
}

// InvitationList is one page of the invitations list with what its
// filter form offers.
type InvitationList struct {
	Rows     []InvitationRow
	Total    int
	PageSize int
	Filter   InvitationFilter
	Tests    []TestLinks // for the test and link selects
}

// TestLinks is a test with its links, for grouped selects.
type TestLinks struct {
	Test  store.Test
	Links []store.TestLink
}

// query is the filter as URL parameters, with page and sort replaced.
func (l InvitationList) query(page int, sort string, desc bool) string {
	v := url.Values{}
	f := l.Filter
	if f.TestID != 0 {
		v.Set("test", strconv.FormatInt(f.TestID, 10))
	}
	if f.LinkID != 0 {
		v.Set("link", strconv.FormatInt(f.LinkID, 10))
	}
	if f.Status != "" {
		v.Set("status", f.Status)
	}
	if f.Query != "" {
		v.Set("q", f.Query)
	}
	if sort != "" {
		v.Set("sort", sort)
		if desc {
			v.Set("dir", "desc")
		} else {
			v.Set("dir", "asc")
		}
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return "/invitations"
	}
	return "/invitations?" + v.Encode()
}

// ExportURL downloads the filtered list as CSV.
func (l InvitationList) ExportURL() string {
	return strings.Replace(l.query(1, "", false), "/invitations", "/invitations.csv", 1)
}

// ExcelCSV is a CSV export's address in the form Excel reads (with a
// byte order mark, so that accented and Cyrillic names survive).
func ExcelCSV(export string) string {
	if strings.Contains(export, "?") {
		return export + "&format=excel"
	}
	return export + "?format=excel"
}

// PageURL is the list at another page, same filter and order.
func (l InvitationList) PageURL(page int) string {
	return l.query(page, l.Filter.Sort, l.Filter.Desc)
}

// SortURL orders by a column: ascending first, descending when it already
// is ascending by it.
func (l InvitationList) SortURL(key string) string {
	desc := l.Filter.Sort == key && !l.Filter.Desc
	return l.query(1, key, desc)
}

// SortState is the aria-sort value of a column.
func (l InvitationList) SortState(key string) string {
	switch {
	case l.Filter.Sort != key:
		return "none"
	case l.Filter.Desc:
		return "descending"
	default:
		return "ascending"
	}
}

// Pages is how many pages the filter fills.
func (l InvitationList) Pages() int {
	if l.PageSize == 0 {
		return 1
	}
	return max(1, (l.Total+l.PageSize-1)/l.PageSize)
}

// SearchCountLimit is where the console stops counting a search's
// matches: past it, the list says "10,000+".
const SearchCountLimit = 10_000

// Range says which rows this page shows, e.g. "51–100 of 230".
func (l InvitationList) Range() string {
	if l.Total == 0 {
		return "0"
	}
	first := (l.Filter.Page-1)*l.PageSize + 1
	last := min(first+len(l.Rows)-1, l.Total)
	of := strconv.Itoa(l.Total)
	if l.Filter.Query != "" && l.Total > SearchCountLimit {
		of = strconv.Itoa(SearchCountLimit) + "+"
	}
	return strconv.Itoa(first) + "–" + strconv.Itoa(last) + " of " + of
}

// StatusLabel is a status as the console words it.
func StatusLabel(s store.InvitationStatus) string {
	switch s {
	case store.StatusInvited:
		return "Invited"
	case store.StatusOpened:
		return "Opened"
	case store.StatusStarted:
		return "In progress"
	case store.StatusCompleted:
		return "Completed"
	case store.StatusExpired:
		return "Expired"
	case store.StatusCancelled:
		return "Cancelled"
	}
	return string(s)
}

// EventLabel words a timeline entry.
func EventLabel(kind string) string {
	switch kind {
	case "invited":
		return "Invited"
	case "reopened":
		return "Invited again (re-opened)"
	case "opened":
		return "Opened the test page"
	case "started":
		return "Started the test"
	case "completed":
		return "Completed the test"
	case "expired":
		return "Expired"
	case "cancelled":
		return "Cancelled"
	case "expiry_extended":
		return "Expiry changed"
	case "invitation_queued":
		return "Invitation email queued"
	case "reminder_queued":
		return "Reminder email queued"
	case "revocation_queued":
		return "Withdrawal email queued"
	case "details_given":
		return "Gave their name and email"
	case "answer_graded":
		return "Answer graded"
	case "graded":
		return "Grading complete"
	case "time_added":
		return "Time added"
	case "extra_time_set":
		return "Extra time set"
	case "erased":
		return "Candidate's data erased"
	case "section_ended":
		return "Section ended"
	case "reattempt":
		return "New attempt, after an earlier one"
	case "reattempted":
		return "Given a new attempt"
	case "link_resent":
		return "Test link emailed again"
	}
	// A kind not worded above still reads as words, never as an identifier.
	words := strings.ReplaceAll(kind, "_", " ")
	if words == "" {
		return ""
	}
	return strings.ToUpper(words[:1]) + words[1:]
}

// ScoreText is a score as points and percent: "1 / 2 (50 %)".
func ScoreText(inv store.Invitation) string {
	if inv.Score == nil || inv.MaxScore == nil {
		return "—"
	}
	points := strconv.Itoa(*inv.Score) + " / " + strconv.Itoa(*inv.MaxScore)
	if p := inv.ScorePercent(); p != nil {
		return points + " (" + store.FormatPercent(*p) + " %)"
	}
	return points
}

// chose reports whether an answer picked option i.
func chose(a store.Answer, i int) bool {
	for _, c := range a.Choices {
		if c == i {
			return true
		}
	}
	return false
}
