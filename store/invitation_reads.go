package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

const invitationColumns = `i.id, i.test_id, i.link_id, i.token, i.name, i.email, i.placeholder, i.status, i.source,
	i.callback_url, i.redirect_url, i.hide_instruction, i.disable_mandatory_fields, i.send_email,
	i.expires_at, i.valid_from, i.valid_until, i.tags, i.labels, i.group_name, i.external_id, i.external_data, i.lang,
	i.score, i.max_score, i.deadline_at, i.invited_at, i.opened_at, i.started_at, i.completed_at, i.expired_at,
	i.cancelled_at, i.created_at, i.updated_at, i.access_code, i.access_failures, i.tracking_uniq_id, i.tracking_key, i.candidate_kind, i.callback_resource,
	i.callback_params, t.name, t.passing_score, COALESCE(l.name, ''), i.chosen_lang, i.review, i.extra_time_percent, t.bands,
	COALESCE(l.tab_switch_limit, 0), i.focus_lost_count, COALESCE(i.section_at, 0), i.section_deadline_at, i.erased_at,
	` + personOfInvitation

const invitationFrom = ` FROM invitations i JOIN tests t ON t.id = i.test_id LEFT JOIN test_links l ON l.id = i.link_id`

// invitationScan holds one row of invitationColumns while it is scanned.
type invitationScan struct {
	inv                                                                      Invitation
	linkID, expires, from, until, score, maxScore, deadline, opened, started sql.NullInt64
	sectionDeadline, erased                                                  sql.NullInt64
	completed, expired, cancelled                                            sql.NullInt64
	tags, labels, extData, callbackParams, bands                             string
	invited, created, updated                                                int64
}

func (s *invitationScan) dest() []any {
	inv := &s.inv
	return []any{&inv.ID, &inv.TestID, &s.linkID, &inv.Token, &inv.Name, &inv.Email, &inv.Placeholder, &inv.Status, &inv.Source,
		&inv.CallbackURL, &inv.RedirectURL, &inv.HideInstruction, &inv.DisableMandatoryFields, &inv.SendEmail,
		&s.expires, &s.from, &s.until, &s.tags, &s.labels, &inv.Group, &inv.ExternalID, &s.extData, &inv.Lang,
		&s.score, &s.maxScore, &s.deadline, &s.invited, &s.opened, &s.started, &s.completed, &s.expired, &s.cancelled,
		&s.created, &s.updated, &inv.AccessCode, &inv.AccessFailures, &inv.TrackingUniqID, &inv.TrackingKey, &inv.CandidateKind,
		&inv.CallbackResource, &s.callbackParams, &inv.TestName, &inv.PassingScore, &inv.LinkName, &inv.ChosenLang,
		&inv.Review, &inv.ExtraTimePercent, &s.bands, &inv.TabSwitchLimit, &inv.FocusLostCount,
		&inv.SectionAt, &s.sectionDeadline, &s.erased, &inv.PersonID}
}

func (s *invitationScan) finish() (Invitation, error) {
	inv := s.inv
	inv.LinkID = s.linkID.Int64
	inv.ExpiresAt, inv.ValidFrom, inv.ValidUntil = timePtr(s.expires), timePtr(s.from), timePtr(s.until)
	inv.Tags, inv.ExternalData, inv.CallbackParams = json.RawMessage(s.tags), json.RawMessage(s.extData), json.RawMessage(s.callbackParams)
	if err := json.Unmarshal([]byte(s.labels), &inv.Labels); err != nil {
		return Invitation{}, fmt.Errorf("store: invitation %d labels: %w", inv.ID, err)
	}
	if s.score.Valid {
		v := int(s.score.Int64)
		inv.Score = &v
	}
	if s.maxScore.Valid {
		m := int(s.maxScore.Int64)
		inv.MaxScore = &m
	}
	if s.bands != "[]" {
		inv.Bands = parseBands(s.bands)
	}
	inv.DeadlineAt, inv.SectionDeadlineAt = timePtr(s.deadline), timePtr(s.sectionDeadline)
	inv.InvitedAt = fromMillis(s.invited)
	inv.OpenedAt, inv.StartedAt, inv.CompletedAt = timePtr(s.opened), timePtr(s.started), timePtr(s.completed)
	inv.ExpiredAt, inv.CancelledAt = timePtr(s.expired), timePtr(s.cancelled)
	inv.CreatedAt, inv.UpdatedAt = fromMillis(s.created), fromMillis(s.updated)
	inv.ErasedAt = timePtr(s.erased)
	return inv, nil
}

func scanInvitation(r row) (Invitation, error) {
	var s invitationScan
	err := r.Scan(s.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return Invitation{}, ErrNotFound
	}
	if err != nil {
		return Invitation{}, err
	}
	return s.finish()
}

// Invitation returns one invitation by id.
//
// The read also refreshes the invitation's landing page in the read cache
// (its test kept from the page cached before), so that a candidate's next
// request, after the write their last one made and read back, needs no
// read of its own.
func (db *DB) Invitation(ctx context.Context, id int64) (Invitation, error) {
	gen := db.readGen.current()
	inv, err := scanInvitation(db.queryRow(ctx, `SELECT `+invitationColumns+invitationFrom+` WHERE i.id = ?`, id))
	if err == nil {
		db.refreshCandidatePage(inv, gen)
	}
	return inv, err
}

// refreshCandidatePage puts an invitation read in generation gen into its
// landing page's cache entry, when the entry's test is still current.
func (db *DB) refreshCandidatePage(inv Invitation, gen uint64) {
	e, ok := db.candidates.get(inv.Token)
	if !ok || !db.readGen.testsFresh(e.gen) || e.v.inv.ID != inv.ID {
		return
	}
	db.candidates.put(inv.Token, candidatePage{inv, e.v.test}, gen)
}

// InvitationFilter narrows and orders the invitation list.
type InvitationFilter struct {
	TestID int64
	LinkID int64
	Status InvitationStatus
	Query  string // part of the name or email
	// Exact matches, for API filters.
	Email      string
	ExternalID string
	Group      string
	Name       string // the name exactly as stored
	Token      string
	// NotCancelled leaves out cancelled invitations (deleted candidates).
	NotCancelled bool
	// Started keeps the attempts that began (Testinvite's test instances);
	// ID keeps one invitation.
	Started  bool
	ID       int64
	Teams    Teams  // nil: every team's
	Sort     string // one of InvitationSorts; default newest first
	Desc     bool
	Page     int // 1-based
	PageSize int
	// CountLimit stops counting a search's matches past it (0: count them
	// all): the console shows "10,000+" rather than wait for the exact sum.
	CountLimit int
}

// InvitationSorts are the orders the list offers, by key.
var InvitationSorts = map[string]string{
	"created": "i.id",
	"name":    "LOWER(i.name)",
	"email":   "i.email_norm",
	"status":  "i.status",
	"test":    "LOWER(t.name)",
	// Unscored attempts sort before the lowest score.
	"score": "COALESCE(i.score * 1.0 / NULLIF(i.max_score, 0), -1)",
}

// MaxPageSize bounds one page of invitations.
const MaxPageSize = 200

// from is the FROM clause and conditions of the filter over invitations
// alone (no joins). A selective search starts from the full-text index.
func (f InvitationFilter) from(d dialect, plan searchPlan) (from, where string, args []any) {
	var conds []string
	from = ` FROM invitations i`
	// A NUL is never part of a name or address (and PostgreSQL's text cannot hold one).
	if q := strings.ToLower(strings.TrimSpace(strings.ReplaceAll(f.Query, "\x00", ""))); q != "" {
		switch plan {
		case searchIndex:
			from = ` FROM invitations_search s JOIN invitations i ON i.id = s.rowid`
			conds, args = append(conds, d.searchMatches("s")), append(args, d.searchQuery(q))
		case searchIndexIDs:
			conds = append(conds, "i.id IN (SELECT rowid FROM invitations_search WHERE "+d.searchMatches("invitations_search")+")")
			args = append(args, d.searchQuery(q))
		default:
			pattern := "%" + escapeLike(q) + "%"
			conds = append(conds, `(LOWER(i.name) LIKE ? ESCAPE '\' OR i.email_norm LIKE ? ESCAPE '\')`)
			args = append(args, pattern, pattern)
		}
	}
	if f.TestID != 0 {
		conds, args = append(conds, "i.test_id = ?"), append(args, f.TestID)
	}
	if f.LinkID != 0 {
		conds, args = append(conds, "i.link_id = ?"), append(args, f.LinkID)
	}
	if f.Status != "" {
		conds, args = append(conds, "i.status = ?"), append(args, f.Status)
	}
	if f.Email != "" {
		conds, args = append(conds, "i.email_norm = ?"), append(args, NormalizeEmail(f.Email))
	}
	if f.ExternalID != "" {
		conds, args = append(conds, "i.external_id = ?"), append(args, f.ExternalID)
	}
	if f.Group != "" {
		conds, args = append(conds, "i.group_name = ?"), append(args, f.Group)
	}
	if f.Name != "" {
		conds, args = append(conds, "i.name = ?"), append(args, f.Name)
	}
	if f.Token != "" {
		conds, args = append(conds, "i.token = ?"), append(args, f.Token)
	}
	if f.NotCancelled {
		conds = append(conds, "i.status <> 'cancelled'")
	}
	if f.Started {
		conds = append(conds, "i.started_at IS NOT NULL")
	}
	if f.ID != 0 {
		conds, args = append(conds, "i.id = ?"), append(args, f.ID)
	}
	if cond, targs := f.Teams.cond("team_id"); cond != "" {
		conds, args = append(conds, "i.test_id IN (SELECT id FROM tests WHERE "+cond+")"), append(args, targs...)
	}
	if len(conds) == 0 {
		return from, "", nil
	}
	return from, " WHERE " + strings.Join(conds, " AND "), args
}

// Invitations returns one page of matching invitations and how many match.
func (db *DB) Invitations(ctx context.Context, f InvitationFilter) ([]Invitation, int, error) {
	if f.PageSize <= 0 || f.PageSize > MaxPageSize {
		f.PageSize = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	plan, err := db.planSearch(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	from, where, args := f.from(db.dialect, plan)
	// The filters are on invitations alone: counting and picking the page
	// without the joins reads indexes, not every row with its test.
	count := `SELECT COUNT(*)` + from + where
	if f.CountLimit > 0 && f.Query != "" {
		count = `SELECT COUNT(*) FROM (SELECT 1` + from + where + ` LIMIT ` + strconv.Itoa(f.CountLimit+1) + `) m`
	}
	total, err := db.count(ctx, count, args...)
	if err != nil {
		return nil, 0, err
	}
	order, ok := InvitationSorts[f.Sort]
	desc := f.Desc
	if !ok {
		order, desc = "i.id", true
	}
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	orderBy := ` ORDER BY ` + order + dir + `, i.id` + dir
	page := `SELECT i.id` + from + where + orderBy + ` LIMIT ? OFFSET ?`
	if f.Sort == "test" {
		page = `SELECT i.id` + from + ` JOIN tests t ON t.id = i.test_id` + where + orderBy + ` LIMIT ? OFFSET ?`
	}
	q := `SELECT ` + invitationColumns + invitationFrom + ` WHERE i.id IN (` + page + `)` + orderBy
	rows, err := db.query(ctx, q, append(args, f.PageSize, (f.Page-1)*f.PageSize)...)
	out, err := collect(rows, err, scanInvitation)
	return out, total, err
}

// teamInvitations is the condition on invitations i that they are of the
// teams' tests ("1 = 1" for every team).
func teamInvitations(teams Teams) (string, []any) {
	if teams == nil {
		return "1 = 1", nil
	}
	cond, args := teams.cond("team_id")
	return "i.test_id IN (SELECT id FROM tests WHERE " + cond + ")", args
}

// StatusCounts counts invitations per status, over the teams' tests.
func (db *DB) StatusCounts(ctx context.Context, teams Teams) (map[InvitationStatus]int, error) {
	cond, args := teamInvitations(teams)
	counts, err := db.countBy(ctx, `SELECT status, COUNT(*) FROM invitations i WHERE `+cond+` GROUP BY status`, args...)
	out := make(map[InvitationStatus]int, len(counts))
	for s, n := range counts {
		out[InvitationStatus(s)] = n
	}
	return out, err
}

// Funnel is how far a link's invitations got: each count includes the
// ones that went further.
type Funnel struct {
	TestID    int64
	TestName  string
	LinkID    int64
	LinkName  string
	Invited   int
	Opened    int
	Started   int
	Completed int
}

// funnelSteps counts invitations, then those opened, started and completed,
// each step including the ones that went further.
const funnelSteps = `COUNT(*),
	COALESCE(SUM(CASE WHEN i.opened_at IS NOT NULL OR i.started_at IS NOT NULL OR i.completed_at IS NOT NULL THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN i.started_at IS NOT NULL OR i.completed_at IS NOT NULL THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN i.completed_at IS NOT NULL THEN 1 ELSE 0 END), 0)`

// TotalFunnel is the funnel of every invitation, the ones the status
// counts count.
func (db *DB) TotalFunnel(ctx context.Context, teams Teams) (Funnel, error) {
	var f Funnel
	cond, args := teamInvitations(teams)
	err := db.queryRow(ctx, `SELECT `+funnelSteps+` FROM invitations i WHERE `+cond, args...).Scan(&f.Invited, &f.Opened, &f.Started, &f.Completed)
	return f, err
}

// LinkFunnels returns the funnel of every link of an active test that has
// invitations, busiest first.
func (db *DB) LinkFunnels(ctx context.Context, teams Teams, limit int) ([]Funnel, error) {
	cond, args := teams.where("t.team_id")
	rows, err := db.query(ctx, `SELECT t.id, t.name, l.id, l.name, `+funnelSteps+`
		FROM invitations i JOIN test_links l ON l.id = i.link_id JOIN tests t ON t.id = i.test_id
		WHERE t.archived_at IS NULL AND `+cond+`
		GROUP BY t.id, t.name, l.id, l.name ORDER BY COUNT(*) DESC, l.id LIMIT ?`, append(args, limit)...)
	return collect(rows, err, func(r row) (Funnel, error) {
		var f Funnel
		err := r.Scan(&f.TestID, &f.TestName, &f.LinkID, &f.LinkName, &f.Invited, &f.Opened, &f.Started, &f.Completed)
		return f, err
	})
}

// count runs a COUNT query through the read cache: paging through a
// filter counts the same rows again on every page.
func (db *DB) count(ctx context.Context, query string, args ...any) (int, error) {
	gen := db.readGen.current()
	key := query + "\x00" + fmt.Sprintf("%#v", args)
	if e, ok := db.counts.get(key); ok && db.cachesReads() && db.readGen.countFresh(e.gen) {
		return e.v, nil
	}
	var n int
	if err := db.queryRow(ctx, query, args...).Scan(&n); err != nil {
		return 0, err
	}
	db.counts.put(key, n, gen)
	return n, nil
}

// invitationOnLink picks the newest invitation of an address (bound
// second, normalized) on a link (bound first). The link is bound through a
// CAST: SQLite plans "link_id = ?" in an ORDER BY query apart for 0 and 1,
// so invites alternating between link 1 and another had every invite
// parse and plan it again (BenchmarkInviteAcrossLinks); an expression
// hides the value from the planner and keeps the index.
const invitationOnLink = ` WHERE i.link_id = CAST(? AS BIGINT) AND i.email_norm = ? ORDER BY i.id DESC LIMIT 1`

// InvitationOnLink returns the newest invitation of an address on a link.
func (db *DB) InvitationOnLink(ctx context.Context, linkID int64, email string) (Invitation, error) {
	return scanInvitation(db.queryRow(ctx, `SELECT `+invitationColumns+invitationFrom+invitationOnLink, linkID, NormalizeEmail(email)))
}

// EachInvitation calls fn for every invitation matching the filter, oldest
// first, without holding them all in memory (exports of large cohorts).
func (db *DB) EachInvitation(ctx context.Context, f InvitationFilter, fn func(Invitation) error) error {
	plan, err := db.planSearch(ctx, f)
	if err != nil {
		return err
	}
	from, where, args := f.from(db.dialect, plan)
	rows, err := db.r.QueryContext(ctx, `SELECT `+invitationColumns+from+` JOIN tests t ON t.id = i.test_id
		LEFT JOIN test_links l ON l.id = i.link_id`+where+` ORDER BY i.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		inv, err := scanInvitation(rows)
		if err != nil {
			return err
		}
		if err := fn(inv); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Tokens returns the URL tokens of invitations by id, in chunks so that
// a bulk of 10,000 costs a few queries rather than one per invitation.
func (db *DB) Tokens(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		// The statement varies with the chunk size; only two sizes occur.
		rows, err := db.query(ctx, `SELECT id, token FROM invitations WHERE id IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)`, args...)
		pairs, err := collect(rows, err, func(r row) ([2]any, error) {
			var id int64
			var token string
			err := r.Scan(&id, &token)
			return [2]any{id, token}, err
		})
		if err != nil {
			return nil, err
		}
		for _, p := range pairs {
			out[p[0].(int64)] = p[1].(string)
		}
	}
	return out, nil
}
