package views

import "testing"

func TestRangeSaysWhenASearchWasNotCountedToTheEnd(t *testing.T) {
	rows := make([]InvitationRow, 50)
	cases := []struct {
		l    InvitationList
		want string
	}{
		{InvitationList{Total: 230, PageSize: 50, Rows: rows, Filter: InvitationFilter{Page: 2}}, "51–100 of 230"},
		{InvitationList{Total: 120_000, PageSize: 50, Rows: rows, Filter: InvitationFilter{Page: 1}}, "1–50 of 120000"},
		{InvitationList{Total: SearchCountLimit + 1, PageSize: 50, Rows: rows, Filter: InvitationFilter{Page: 1, Query: "campus"}}, "1–50 of 10000+"},
		{InvitationList{Total: SearchCountLimit, PageSize: 50, Rows: rows, Filter: InvitationFilter{Page: 1, Query: "campus"}}, "1–50 of 10000"},
		{InvitationList{PageSize: 50, Filter: InvitationFilter{Page: 1}}, "0"},
	}
	for _, c := range cases {
		if got := c.l.Range(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.l.Filter, got, c.want)
		}
	}
}
