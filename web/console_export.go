package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/store"
)

// Invitations export as CSV, streamed row by row.

var exportHeader = []string{"invitation_id", "test", "link", "name", "email", "status", "score", "max_score", "score_percent",
	"review", "result", "band", "extra_time_percent", "tab_switches", "invited_at", "opened_at", "started_at", "completed_at", "expires_at", "test_url",
	"source", "ats_application_id", "ats_candidate_id", "ats_profile_url"}

// spreadsheetSafe defuses cells a spreadsheet would run as a formula
// (CSV injection): they are prefixed with a quote.
func spreadsheetSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// spreadsheetSafeRow defuses every cell of a row, a header's too (its
// names come from integrators' data keys and uploaded files).
func spreadsheetSafeRow(cells []string) []string {
	for i := range cells {
		cells[i] = spreadsheetSafe(cells[i])
	}
	return cells
}

func csvTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func csvInt(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

// csvDownload starts a CSV attachment and returns its writer. With
// ?format=excel the file begins with a UTF-8 byte order mark, without
// which Excel on Windows reads "María José Núñez" and Cyrillic as
// mojibake; other readers get the plain file.
func csvDownload(c echo.Context, filename string) *csv.Writer {
	excel := c.QueryParam("format") == "excel"
	if excel {
		filename = strings.TrimSuffix(filename, ".csv") + "-excel.csv"
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	h.Set("Cache-Control", "no-store")
	c.Response().WriteHeader(http.StatusOK)
	if excel {
		c.Response().Write([]byte("\uFEFF"))
	}
	return csv.NewWriter(c.Response())
}

// exportInvitations streams the filtered invitations as CSV: the fixed
// columns, then one column per key of the extra data they carry (an
// import's other columns, an API's externalData), then, when they all
// belong to one test, each section's points and maximum and the answer to
// every question any candidate was given (drawn, picked from the bank, or
// a version since edited), empty for those a candidate was not given.
func (s *Server) exportInvitations(c echo.Context, f store.InvitationFilter, testID int64, filename string) error {
	ctx := c.Request().Context()
	f.Teams = viewerTeams(c)
	extraKeys, err := s.extraDataKeys(ctx, f)
	if err != nil {
		return err
	}
	var questions []store.Question
	var sections []string
	if testID != 0 {
		if questions, err = s.db.ExportQuestions(ctx, testID); err != nil {
			return err
		}
		if sections, err = s.exportSections(ctx, testID); err != nil {
			return err
		}
	}
	header := append(append([]string(nil), exportHeader...), extraKeys...)
	for _, name := range sections {
		header = append(header, "section "+name+": points", "section "+name+": max")
	}
	current := map[int64]bool{}
	if testID != 0 {
		qs, err := s.db.Questions(ctx, testID)
		if err != nil {
			return err
		}
		for _, q := range qs {
			current[q.ID] = true
		}
	}
	for i, q := range questions {
		label := "Q" + strconv.Itoa(i+1)
		switch {
		case q.TestID != testID:
			label += " (from the bank)"
		case !current[q.ID]:
			label += " (earlier version)"
		}
		header = append(header, label+": "+truncateRunes(q.Text, 60))
	}
	w := csvDownload(c, filename)
	if err := w.Write(spreadsheetSafeRow(header)); err != nil {
		return err
	}
	n := 0
	err = s.db.EachInvitation(ctx, f, func(inv store.Invitation) error {
		row := []string{strconv.FormatInt(inv.ID, 10), inv.TestName, inv.LinkName, inv.Name, inv.Email, string(inv.Status),
			csvInt(inv.Score), csvInt(inv.MaxScore), csvPercent(inv.ScorePercent()), string(inv.Review), inv.Outcome(), inv.Band(),
			strconv.Itoa(inv.ExtraTimePercent), strconv.Itoa(inv.FocusLostCount), csvTime(&inv.InvitedAt), csvTime(inv.OpenedAt),
			csvTime(inv.StartedAt), csvTime(inv.CompletedAt), csvTime(inv.ExpiresAt), s.TestURL(inv), inv.Source}
		ref, err := s.atsReference(ctx, inv)
		if err != nil {
			return err
		}
		row = append(row, ref.ApplicationID, ref.CandidateID, ref.ProfileURL)
		extra := map[string]any{}
		json.Unmarshal(inv.ExternalData, &extra)
		for _, k := range extraKeys {
			row = append(row, csvValue(extra[k]))
		}
		if len(questions) > 0 || len(sections) > 0 {
			paper, answers, err := s.paperOf(ctx, inv)
			if err != nil {
				return err
			}
			scores := map[string]store.SectionScore{}
			for _, sc := range store.ScoreSections(paper, answers) {
				scores[sc.Name] = sc
			}
			for _, name := range sections {
				if sc, ok := scores[name]; ok {
					row = append(row, strconv.Itoa(sc.Score), strconv.Itoa(sc.MaxScore))
				} else {
					row = append(row, "", "")
				}
			}
			given := map[int64]bool{}
			for _, q := range paper {
				given[q.ID] = true
			}
			for _, q := range questions {
				if a, ok := answers[q.ID]; ok && given[q.ID] {
					row = append(row, answerText(q, a))
				} else {
					row = append(row, "")
				}
			}
		}
		if err := w.Write(spreadsheetSafeRow(row)); err != nil {
			return err
		}
		if n++; n%1000 == 0 {
			w.Flush()
		}
		return w.Error()
	})
	w.Flush()
	if err != nil {
		// The status is sent; all that can be done is to stop and log.
		s.log.Error("export interrupted", "err", err)
		return nil
	}
	return w.Error()
}

// exportSections names a sectioned test's sections, in order; a test of
// plain questions has none to report.
func (s *Server) exportSections(ctx context.Context, testID int64) ([]string, error) {
	t, err := s.db.Test(ctx, testID)
	if err != nil || !t.Sectioned {
		return nil, err
	}
	list, err := s.db.Sections(ctx, testID)
	names := make([]string, 0, len(list))
	for _, sec := range list {
		names = append(names, sec.Name)
	}
	return names, err
}

// paperOf is an attempt's paper and answers; nothing before it starts.
func (s *Server) paperOf(ctx context.Context, inv store.Invitation) ([]store.Question, map[int64]store.Answer, error) {
	if inv.StartedAt == nil {
		return nil, nil, nil
	}
	paper, err := s.db.AttemptQuestions(ctx, inv)
	if err != nil {
		return nil, nil, err
	}
	answers, err := s.db.Answers(ctx, inv.ID)
	return paper, answers, err
}

// extraDataKeys lists, sorted, every key of the extra data of the
// filtered invitations.
func (s *Server) extraDataKeys(ctx context.Context, f store.InvitationFilter) ([]string, error) {
	seen := map[string]bool{}
	err := s.db.EachInvitation(ctx, f, func(inv store.Invitation) error {
		if len(inv.ExternalData) < 3 { // "{}"
			return nil
		}
		extra := map[string]json.RawMessage{}
		if json.Unmarshal(inv.ExternalData, &extra) == nil {
			for k := range extra {
				seen[k] = true
			}
		}
		return nil
	})
	keys := slices.Sorted(maps.Keys(seen))
	return keys, err
}

// answerText is an answer as a cell: the chosen options' texts, or what
// was written.
func answerText(q store.Question, a store.Answer) string { return q.Rules().Words(q, a) }

func csvPercent(p *float64) string {
	if p == nil {
		return ""
	}
	return store.FormatPercent(*p)
}

// csvValue writes a JSON value as a cell: strings as they are, anything
// else as JSON.
func csvValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func (s *Server) exportTest(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.db.Test(c.Request().Context(), id); err != nil {
		return err
	}
	return s.exportInvitations(c, store.InvitationFilter{TestID: id}, id, "test-"+strconv.FormatInt(id, 10)+"-invitations.csv")
}

func (s *Server) exportLink(c echo.Context) error {
	l, _, err := s.linkAndTest(c)
	if err != nil {
		return err
	}
	return s.exportInvitations(c, store.InvitationFilter{LinkID: l.ID}, l.TestID, "link-"+strconv.FormatInt(l.ID, 10)+"-invitations.csv")
}

// exportList downloads the invitation list as filtered on its page.
func (s *Server) exportList(c echo.Context) error {
	f := parseInvitationFilter(c)
	testID := f.TestID
	if f.LinkID != 0 {
		l, err := s.db.Link(c.Request().Context(), f.LinkID)
		if err != nil {
			return err
		}
		testID = l.TestID
	}
	return s.exportInvitations(c, store.InvitationFilter{TestID: f.TestID, LinkID: f.LinkID,
		Status: store.InvitationStatus(f.Status), Query: f.Query}, testID, "invitations.csv")
}

// atsReference is the ATS's ids of an invitation an ATS sent (a point read
// for those rows only), else none.
func (s *Server) atsReference(ctx context.Context, inv store.Invitation) (store.ATSReference, error) {
	if store.ATSOf(inv.Source) == "" {
		return store.ATSReference{}, nil
	}
	ref, err := s.db.ATSReferenceOf(ctx, inv.ID)
	if errors.Is(err, store.ErrNotFound) {
		return store.ATSReference{}, nil
	}
	return ref, err
}
