package store

import (
	"context"
	"time"
)

// SubjectAccess is everything Testgate holds about one candidate (one
// email address), for their right of access: every invitation with its
// questions and answers, the timeline, the emails sent to them and the
// integrity signals with the addresses their browser came from. Its JSON
// is the download the console and the native API hand out.
type SubjectAccess struct {
	Email       string              `json:"email"`
	ExportedAt  time.Time           `json:"exportedAt"`
	Invitations []SubjectInvitation `json:"invitations"`
}

// SubjectInvitation is one invitation of a SubjectAccess.
type SubjectInvitation struct {
	ID          int64           `json:"id"`
	Test        string          `json:"test"`
	Link        string          `json:"link"`
	Name        string          `json:"name"`
	Email       string          `json:"email"`
	Status      string          `json:"status"`
	Score       *int            `json:"score"`
	MaxScore    *int            `json:"maxScore"`
	Result      string          `json:"result,omitempty"`
	Band        string          `json:"band,omitempty"`
	InvitedAt   time.Time       `json:"invitedAt"`
	StartedAt   *time.Time      `json:"startedAt"`
	CompletedAt *time.Time      `json:"completedAt"`
	ErasedAt    *time.Time      `json:"erasedAt,omitempty"`
	Answers     []SubjectAnswer `json:"answers"`
	Timeline    []SubjectEvent  `json:"timeline"`
	Emails      []SubjectEmail  `json:"emails"`
	Signals     []SubjectSignal `json:"signals"`
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
	if len(ids) == 0 {
		return SubjectAccess{}, ErrNotFound
	}
	out := SubjectAccess{Email: norm, ExportedAt: db.Now(), Invitations: make([]SubjectInvitation, 0, len(ids))}
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
		Answers: []SubjectAnswer{}, Timeline: []SubjectEvent{}, Emails: []SubjectEmail{}, Signals: []SubjectSignal{}}
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
	return si, nil
}
