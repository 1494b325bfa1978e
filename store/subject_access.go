package store

import (
	"context"
	"encoding/json"
	"time"
)

// SubjectAccess is everything Testgate holds about one candidate (one
// email address), for their right of access: every invitation with its
// questions and answers, the timeline, the emails sent to them and the
// integrity signals with the addresses their browser came from, the data
// integrators attached and the callback URLs that may name them, and the
// rows of uploaded lists that imports refused for the address. Its JSON
// is the download the console and the native API hand out.
type SubjectAccess struct {
	Email       string              `json:"email"`
	ExportedAt  time.Time           `json:"exportedAt"`
	Invitations []SubjectInvitation `json:"invitations"`
	RefusedRows []SubjectRefusedRow `json:"refusedImportRows"`
}

// SubjectRefusedRow is a row of an uploaded list that an import left out.
type SubjectRefusedRow struct {
	File     string    `json:"file"`
	Line     int       `json:"line"`
	Name     string    `json:"name"`
	Email    string    `json:"email"`
	Reason   string    `json:"reason"`
	Record   []string  `json:"record"`
	Uploaded time.Time `json:"uploadedAt"`
}

// SubjectCallback is a notification about the candidate sent, or to be
// sent, to an integrator.
type SubjectCallback struct {
	Event  string    `json:"event"`
	URL    string    `json:"url"`
	Status string    `json:"status"`
	At     time.Time `json:"at"`
}

// SubjectInvitation is one invitation of a SubjectAccess.
type SubjectInvitation struct {
	ID          int64      `json:"id"`
	Test        string     `json:"test"`
	Link        string     `json:"link"`
	Name        string     `json:"name"`
	Email       string     `json:"email"`
	Status      string     `json:"status"`
	Score       *int       `json:"score"`
	MaxScore    *int       `json:"maxScore"`
	Result      string     `json:"result,omitempty"`
	Band        string     `json:"band,omitempty"`
	InvitedAt   time.Time  `json:"invitedAt"`
	StartedAt   *time.Time `json:"startedAt"`
	CompletedAt *time.Time `json:"completedAt"`
	ErasedAt    *time.Time `json:"erasedAt,omitempty"`
	// What an integrator attached to the invitation.
	ExternalID   string          `json:"externalId,omitempty"`
	ExternalData json.RawMessage `json:"externalData,omitempty"`
	Tags         json.RawMessage `json:"tags,omitempty"`
	Labels       []string        `json:"labels,omitempty"`
	Group        string          `json:"group,omitempty"`
	CallbackURL  string          `json:"callbackUrl,omitempty"`
	RedirectURL  string          `json:"redirectUrl,omitempty"`

	Answers   []SubjectAnswer   `json:"answers"`
	Timeline  []SubjectEvent    `json:"timeline"`
	Emails    []SubjectEmail    `json:"emails"`
	Signals   []SubjectSignal   `json:"signals"`
	Callbacks []SubjectCallback `json:"callbacks"`
}

// SubjectAnswer is a question as the candidate saw it and their answer.
type SubjectAnswer struct {
	Question string   `json:"question"`
	Chosen   []string `json:"chosen,omitempty"`
	Text     string   `json:"text,omitempty"`
	Points   *int     `json:"points"`
	Comment  string   `json:"reviewerComment,omitempty"`
	Seconds  int      `json:"secondsSpent"`
}

// SubjectEvent is an entry of the timeline.
type SubjectEvent struct {
	Kind   string    `json:"kind"`
	Detail string    `json:"detail,omitempty"`
	At     time.Time `json:"at"`
}

// SubjectEmail is an email to the candidate.
type SubjectEmail struct {
	Kind    string     `json:"kind"`
	To      string     `json:"to"`
	Subject string     `json:"subject"`
	Text    string     `json:"text"`
	Status  string     `json:"status"`
	SentAt  *time.Time `json:"sentAt"`
}

// SubjectSignal is an integrity signal of an attempt.
type SubjectSignal struct {
	Kind      string    `json:"kind"`
	Detail    string    `json:"detail,omitempty"`
	IP        string    `json:"ip,omitempty"`
	UserAgent string    `json:"userAgent,omitempty"`
	At        time.Time `json:"at"`
}

// CandidateData gathers a SubjectAccess for an address, from the teams'
// tests (nil: every team). ErrNotFound: it has no invitation there.
func (db *DB) CandidateData(ctx context.Context, email string, teams Teams) (SubjectAccess, error) {
	norm := NormalizeEmail(email)
	if norm == "" {
		return SubjectAccess{}, FieldErrors{"email": ProblemRequired}
	}
	cond, targs := teamInvitations(teams)
	rows, err := db.query(ctx, `SELECT id FROM invitations i WHERE email_norm = ? AND `+cond+` ORDER BY id`, append([]any{norm}, targs...)...)
	ids, err := collect(rows, err, func(r row) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
	if err != nil {
		return SubjectAccess{}, err
	}
	refused, err := db.refusedRowsOf(ctx, norm, teams)
	if err != nil {
		return SubjectAccess{}, err
	}
	if len(ids) == 0 && len(refused) == 0 {
		return SubjectAccess{}, ErrNotFound
	}
	out := SubjectAccess{Email: norm, ExportedAt: db.Now(), Invitations: make([]SubjectInvitation, 0, len(ids)), RefusedRows: refused}
	for _, id := range ids {
		si, err := db.subjectInvitation(ctx, id)
		if err != nil {
			return SubjectAccess{}, err
		}
		out.Invitations = append(out.Invitations, si)
	}
	return out, nil
}

func (db *DB) subjectInvitation(ctx context.Context, id int64) (SubjectInvitation, error) {
	inv, err := db.Invitation(ctx, id)
	if err != nil {
		return SubjectInvitation{}, err
	}
	si := SubjectInvitation{ID: inv.ID, Test: inv.TestName, Link: inv.LinkName, Name: inv.Name, Email: inv.Email,
		Status: string(inv.Status), Score: inv.Score, MaxScore: inv.MaxScore, Result: inv.Outcome(), Band: inv.Band(),
		InvitedAt: inv.InvitedAt, StartedAt: inv.StartedAt, CompletedAt: inv.CompletedAt, ErasedAt: inv.ErasedAt,
		ExternalID: inv.ExternalID, ExternalData: nonEmptyObject(inv.ExternalData), Tags: nonEmptyObject(inv.Tags), Labels: inv.Labels,
		Group: inv.Group, CallbackURL: inv.CallbackURL, RedirectURL: inv.RedirectURL,
		Answers: []SubjectAnswer{}, Timeline: []SubjectEvent{}, Emails: []SubjectEmail{}, Signals: []SubjectSignal{}, Callbacks: []SubjectCallback{}}
	if inv.StartedAt != nil {
		qs, err := db.AttemptQuestions(ctx, inv)
		if err != nil {
			return si, err
		}
		answers, err := db.Answers(ctx, id)
		if err != nil {
			return si, err
		}
		for _, q := range qs {
			a, ok := answers[q.ID]
			if !ok {
				continue
			}
			sa := SubjectAnswer{Question: q.Text, Text: a.Text, Points: a.Points, Comment: a.Comment, Seconds: a.SecondsSpent}
			for _, c := range a.Choices {
				if c >= 0 && c < len(q.Options) {
					sa.Chosen = append(sa.Chosen, q.Options[c])
				}
			}
			si.Answers = append(si.Answers, sa)
		}
	}
	events, err := db.Timeline(ctx, id)
	if err != nil {
		return si, err
	}
	for _, e := range events {
		si.Timeline = append(si.Timeline, SubjectEvent{Kind: e.Kind, Detail: e.Detail, At: e.OccurredAt})
	}
	emails, err := db.Outbox(ctx, OutboxFilter{InvitationID: id, Limit: 500})
	if err != nil {
		return si, err
	}
	for _, m := range emails {
		si.Emails = append(si.Emails, SubjectEmail{Kind: m.Kind, To: m.Recipient, Subject: m.Subject, Text: m.Text, Status: m.Status, SentAt: m.SentAt})
	}
	signals, err := db.Signals(ctx, id)
	if err != nil {
		return si, err
	}
	for _, s := range signals {
		si.Signals = append(si.Signals, SubjectSignal{Kind: s.Kind, Detail: s.Detail, IP: s.IP, UserAgent: s.UserAgent, At: s.OccurredAt})
	}
	deliveries, err := db.Deliveries(ctx, DeliveryFilter{InvitationID: id})
	if err != nil {
		return si, err
	}
	for _, d := range deliveries {
		si.Callbacks = append(si.Callbacks, SubjectCallback{Event: d.Event, URL: d.URL, Status: d.Status, At: d.CreatedAt})
	}
	return si, nil
}

// nonEmptyObject is a JSON object, or nothing for an empty one.
func nonEmptyObject(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 || string(raw) == "{}" || string(raw) == "null" {
		return nil
	}
	return raw
}

// refusedRowsOf lists the rows imports into the teams' tests refused for
// an address.
func (db *DB) refusedRowsOf(ctx context.Context, norm string, teams Teams) ([]SubjectRefusedRow, error) {
	cond, args := teams.where("t.team_id")
	rows, err := db.query(ctx, `SELECT m.file_name, r.line, r.name, r.email, r.reason, r.record, m.created_at
		FROM import_rejections r JOIN imports m ON m.id = r.import_id JOIN test_links l ON l.id = m.link_id JOIN tests t ON t.id = l.test_id
		WHERE lower(trim(r.email)) = ? AND `+cond+` ORDER BY m.id, r.line`, append([]any{norm}, args...)...)
	out, err := collect(rows, err, func(r row) (SubjectRefusedRow, error) {
		var x SubjectRefusedRow
		var record string
		var uploaded int64
		if err := r.Scan(&x.File, &x.Line, &x.Name, &x.Email, &x.Reason, &record, &uploaded); err != nil {
			return x, err
		}
		json.Unmarshal([]byte(record), &x.Record)
		x.Uploaded = fromMillis(uploaded)
		return x, nil
	})
	if out == nil {
		out = []SubjectRefusedRow{}
	}
	return out, err
}
