package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Applicant tracking systems that call Testgate as an assessment partner.
const (
	ATSGreenhouse = "greenhouse"
	ATSAshby      = "ashby"
)

// Sources of invitations an ATS made: Greenhouse's send_test, Ashby's
// assessment.start.
const (
	SourceGreenhouse = ATSGreenhouse
	SourceAshby      = ATSAshby
)

// Callback protocols of ATSs. ProtocolGreenhouse is Greenhouse's "PATCH -
// Mark Test as Completed": a PATCH of the URL send_test gave, with the
// credential kept for it, and no body. ProtocolAshby is a call of Ashby's
// assessment.update with the Ashby API key kept for it.
const (
	ProtocolGreenhouse = ATSGreenhouse
	ProtocolAshby      = ATSAshby
)

// deliveryProtocols are the sources whose callbacks go their ATS's way.
var deliveryProtocols = map[string]string{SourceGreenhouse: ProtocolGreenhouse, SourceAshby: ProtocolAshby}

// ATSOf names the ATS that made an invitation of a source, or "".
func ATSOf(source string) string {
	switch source {
	case SourceGreenhouse, SourceAshby:
		return source
	}
	return ""
}

// ATSIntegration is how one ATS is plugged in: whether it may call, the
// key it calls with, the link its invitations go through and the sealed
// credential Testgate calls it back with.
type ATSIntegration struct {
	ATS        string
	Enabled    bool
	KeyID      int64  // 0: none made yet
	LinkName   string // the link of that name in each test; "": its default link
	BaseURL    string // the ATS's API, where Testgate calls it; "": its public one
	Credential string // sealed by the caller; "": none kept
	UpdatedAt  time.Time
}

// ATSIntegration reads an ATS's settings: off, with nothing kept, when it
// was never set up.
func (db *DB) ATSIntegration(ctx context.Context, ats string) (ATSIntegration, error) {
	a := ATSIntegration{ATS: ats}
	var key sql.NullInt64
	var updated int64
	err := db.queryRow(ctx, `SELECT enabled, key_id, link_name, base_url, credential, updated_at FROM ats_integrations WHERE ats = ?`, ats).
		Scan(&a.Enabled, &key, &a.LinkName, &a.BaseURL, &a.Credential, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return a, nil
	}
	a.KeyID, a.UpdatedAt = key.Int64, fromMillis(updated)
	return a, err
}

// SaveATSIntegration keeps an ATS's settings. A link name is at most
// MaxNameLength characters; an API address is an absolute http(s) URL.
func (db *DB) SaveATSIntegration(ctx context.Context, a ATSIntegration) error {
	a.LinkName, a.BaseURL = strings.TrimSpace(a.LinkName), strings.TrimRight(strings.TrimSpace(a.BaseURL), "/")
	fe := FieldErrors{}
	if a.LinkName != "" {
		requireText(fe, "linkName", a.LinkName, MaxNameLength)
	}
	if a.BaseURL != "" {
		if msg := ValidWebURL(a.BaseURL); msg != "" {
			fe["baseUrl"] = msg
		}
	}
	if err := fe.orNil(); err != nil {
		return err
	}
	_, err := db.exec(ctx, `INSERT INTO ats_integrations (ats, enabled, key_id, link_name, base_url, credential, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (ats) DO UPDATE SET enabled = excluded.enabled, key_id = excluded.key_id, link_name = excluded.link_name,
			base_url = excluded.base_url, credential = excluded.credential, updated_at = excluded.updated_at`,
		a.ATS, boolInt(a.Enabled), sql.NullInt64{Int64: a.KeyID, Valid: a.KeyID > 0}, a.LinkName, a.BaseURL, a.Credential, millis(db.Now()))
	return err
}

// ATSReference is an ATS's own ids of an invitation it sent.
type ATSReference struct {
	ATS           string
	ApplicationID string
	CandidateID   string
	JobID         string
	ProfileURL    string // the candidate's page in the ATS
}

// maxATSID bounds an ATS's id as kept.
const maxATSID = 100

// Validate checks what an ATS sent about its candidate.
func (r ATSReference) Validate() FieldErrors {
	fe := FieldErrors{}
	for field, v := range map[string]string{"application_id": r.ApplicationID, "candidate_id": r.CandidateID, "job_id": r.JobID} {
		if len(v) > maxATSID || HasUnsafeChars(v) {
			fe[field] = fmt.Sprintf("must be a single line of at most %d characters", maxATSID)
		}
	}
	if r.ProfileURL != "" {
		if msg := ValidWebURL(r.ProfileURL); msg != "" {
			fe["profile_url"] = msg
		}
	}
	return fe
}

// insertATSReference keeps the ATS's ids of a new invitation.
func insertATSReference(ctx context.Context, tx *Tx, id int64, r *ATSReference) error {
	if r == nil {
		return nil
	}
	err := tx.ExecLater(ctx, `INSERT INTO ats_references (invitation_id, ats, application_id, candidate_id, job_id, profile_url)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (invitation_id) DO NOTHING`, id, r.ATS, r.ApplicationID, r.CandidateID, r.JobID, r.ProfileURL)
	return err
}

// ATSReferenceOf is the ATS's ids of an invitation; ErrNotFound when no ATS
// sent it.
func (db *DB) ATSReferenceOf(ctx context.Context, invitationID int64) (ATSReference, error) {
	var r ATSReference
	err := db.queryRow(ctx, `SELECT ats, application_id, candidate_id, job_id, profile_url FROM ats_references WHERE invitation_id = ?`,
		invitationID).Scan(&r.ATS, &r.ApplicationID, &r.CandidateID, &r.JobID, &r.ProfileURL)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	return r, err
}
