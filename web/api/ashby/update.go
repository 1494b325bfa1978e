package ashby

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// datum is Ashby's AssessmentDataValue: a value with the identifier,
// label and type Ashby's UI shows it by.
type datum struct {
	Identifier  string `json:"identifier"`
	Label       string `json:"label"`
	Description string `json:"description,omitempty"`
	Type        string `json:"type"` // numeric_score, numeric_duration_minutes, url, string, boolean_success
	Value       any    `json:"value"`
}

// update is assessment.update's body.
type update struct {
	AssessmentID         string  `json:"assessment_id"`
	Timestamp            int64   `json:"timestamp"` // Unix milliseconds
	AssessmentStatus     *datum  `json:"assessment_status,omitempty"`
	AssessmentProfileURL *datum  `json:"assessment_profile_url,omitempty"`
	AssessmentResult     *datum  `json:"assessment_result,omitempty"`
	CancelledReason      *datum  `json:"cancelled_reason,omitempty"`
	Metadata             []datum `json:"metadata,omitempty"`
}

// status words where an attempt stands; "Started" is the value Ashby
// stores the start time on.
func status(inv store.Invitation) string {
	switch {
	case inv.Final():
		return "Completed"
	case inv.Status == store.StatusCompleted:
		return "Submitted, awaiting review"
	case inv.Status == store.StatusStarted:
		return "Started"
	case inv.Status == store.StatusOpened:
		return "Opened"
	}
	return "Invited"
}

// update is what Ashby is told of an invitation: its status, and once the
// score is final the result (which tells Ashby the assessment is complete)
// with the report; a cancelled or expired one is told by its reason.
func (h *Handler) update(inv store.Invitation, event string) update {
	at := h.DB.Now()
	u := update{AssessmentID: strconv.FormatInt(inv.ID, 10), Timestamp: at.UnixMilli(),
		Metadata: []datum{{Identifier: "test", Label: "Test", Type: "string", Value: inv.TestName}}}
	switch {
	case inv.Status == store.StatusCancelled || event == store.EventCancelled:
		u.CancelledReason = &datum{Identifier: "cancelled_reason", Label: "Cancelled", Type: "string", Value: "The invitation was cancelled."}
		return u
	case inv.Status == store.StatusExpired:
		u.CancelledReason = &datum{Identifier: "cancelled_reason", Label: "Cancelled", Type: "string",
			Value: "The invitation expired before the candidate finished the test."}
		return u
	}
	u.AssessmentStatus = &datum{Identifier: "status", Label: "Status", Type: "string", Value: status(inv)}
	if inv.Final() {
		report := h.URLs.BaseURL() + "/invitations/" + strconv.FormatInt(inv.ID, 10) + "/report"
		pdf, until := h.Reports.ReportLink(inv.ID, apihttp.ReportLinkTTL)
		u.AssessmentResult = &datum{Identifier: "score", Label: "Score", Description: "Percent of the points", Type: "numeric_score",
			Value: *inv.ScorePercent()}
		u.AssessmentProfileURL = &datum{Identifier: "profile_url", Label: "Report", Type: "url", Value: report}
		u.Metadata = append(u.Metadata,
			datum{Identifier: "passed", Label: "Passed", Type: "boolean_success", Value: inv.Passed()},
			datum{Identifier: "points", Label: "Points", Type: "string", Value: strconv.Itoa(*inv.Score) + " / " + strconv.Itoa(*inv.MaxScore)},
			datum{Identifier: "pdf", Label: "PDF report", Description: "Works until " + until.UTC().Format(time.RFC3339), Type: "url", Value: pdf})
		if band := inv.Band(); band != "" {
			u.Metadata = append(u.Metadata, datum{Identifier: "band", Label: "Band", Type: "string", Value: band})
		}
		if inv.StartedAt != nil && inv.CompletedAt != nil {
			u.Metadata = append(u.Metadata, datum{Identifier: "duration", Label: "Time taken", Type: "numeric_duration_minutes",
				Value: int(inv.CompletedAt.Sub(*inv.StartedAt).Round(time.Minute) / time.Minute)})
		}
	}
	return u
}

// CallbackBody: every change of an Ashby assessment is an
// assessment.update.
func (h *Handler) CallbackBody(event string, inv store.Invitation, _ string, _ time.Time) ([]byte, error) {
	return json.Marshal(h.update(inv, event))
}

// Updater delivers assessment.update calls: a POST of the recorded body to
// Ashby, with the Ashby API key kept for it as the Basic user name.
type Updater struct {
	DB     *store.DB
	Sealer apihttp.Sealer
}

// errNoAshbyKey is an update with no Ashby API key kept to send it with.
var errNoAshbyKey = errors.New("no Ashby API key is kept: keep one in Settings → Integrations")

// Request is the POST of one delivery.
func (u Updater) Request(ctx context.Context, d store.Delivery) (*http.Request, error) {
	key, err := Credential(ctx, u.DB, u.Sealer)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader([]byte(d.Payload)))
	if err != nil {
		return nil, errors.New("bad URL: " + err.Error())
	}
	req.SetBasicAuth(key, "")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json; version=1")
	req.Header.Set("User-Agent", "Testgate-Ashby/1")
	return req, nil
}

// Check: Ashby answers 200 with {"success": false, "errors": [...]} when it
// refuses a call.
func (Updater) Check(_ int, body []byte) error {
	var out struct {
		Success *bool    `json:"success"`
		Errors  []string `json:"errors"`
	}
	if err := json.Unmarshal(body, &out); err == nil && out.Success != nil && !*out.Success {
		return fmt.Errorf("refused by Ashby: %v", out.Errors)
	}
	return nil
}

// Credential opens the Ashby API key kept for the integration.
func Credential(ctx context.Context, db *store.DB, sealer apihttp.Sealer) (string, error) {
	a, err := db.ATSIntegration(ctx, store.ATSAshby)
	if err != nil {
		return "", err
	}
	if a.Credential == "" {
		return "", errNoAshbyKey
	}
	return sealer.Open(a.Credential)
}

// TestConnection calls Ashby's apiKey.info with the kept key: the
// connection test of Settings → Integrations. It answers the key's title
// as Ashby knows it.
func TestConnection(ctx context.Context, db *store.DB, sealer apihttp.Sealer, client *http.Client) (string, error) {
	a, err := db.ATSIntegration(ctx, store.ATSAshby)
	if err != nil {
		return "", err
	}
	key, err := Credential(ctx, db, sealer)
	if err != nil {
		return "", err
	}
	base := a.BaseURL
	if base == "" {
		base = PublicAPI
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/apiKey.info", bytes.NewReader([]byte("{}")))
	if err != nil {
		return "", err
	}
	req.SetBasicAuth(key, "")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json; version=1")
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("no answer from Ashby: %w", err)
	}
	defer resp.Body.Close()
	var out struct {
		Success bool     `json:"success"`
		Errors  []string `json:"errors"`
		Results struct {
			Title string `json:"title"`
		} `json:"results"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("answer %d from Ashby", resp.StatusCode)
	}
	if !out.Success {
		return "", fmt.Errorf("the key was refused by Ashby: %v", out.Errors)
	}
	return out.Results.Title, nil
}
