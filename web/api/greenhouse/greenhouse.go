// Package greenhouse is Greenhouse's Assessment Partner API, served by
// Testgate as the partner (developers.greenhouse.io/assessment.html):
// Greenhouse lists the tests of the key's team, sends a candidate (whom
// Testgate emails the test), polls the attempt's status, and reports
// answers it could not read. Testgate PATCHes the URL send_test gave when
// the attempt changes, through the durable callback deliveries. Requests
// authenticate with HTTP Basic, the API key as the user name.
package greenhouse

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// Handler answers Greenhouse's calls.
type Handler struct{ apihttp.Base }

// greenhouseErrors is the body of a refusal: Greenhouse documents the
// status codes (401, 404) and reports problems to partners as a list of
// strings, so Testgate answers in that form.
type greenhouseErrors struct {
	Errors []string `json:"errors"`
}

// WriteError answers every refusal as {"errors": [...]}.
func WriteError(c echo.Context, status int, message string, fields store.FieldErrors) error {
	if status == http.StatusUnauthorized {
		c.Response().Header().Set("WWW-Authenticate", `Basic realm="testgate"`)
	}
	if status == http.StatusNotFound && message == apihttp.NotFoundMessage {
		message = "Not found."
	}
	out := greenhouseErrors{}
	for _, f := range fields.Fields() {
		out.Errors = append(out.Errors, f+" "+fields[f])
	}
	if len(out.Errors) == 0 {
		out.Errors = []string{message}
	}
	return c.JSON(status, out)
}

// partnerTest is one entry of list_tests.
type partnerTest struct {
	PartnerTestID   string `json:"partner_test_id"`
	PartnerTestName string `json:"partner_test_name"`
}

// ListTests: GET list_tests, the active tests the key's team reaches.
func (h *Handler) ListTests(c echo.Context) error {
	if err := h.enabled(c); err != nil {
		return err
	}
	tests, err := h.DB.Tests(c.Request().Context(), store.TestFilter{Teams: apihttp.Teams(c)})
	if err != nil {
		return err
	}
	out := make([]partnerTest, 0, len(tests))
	for _, t := range tests {
		out = append(out, partnerTest{PartnerTestID: strconv.FormatInt(t.ID, 10), PartnerTestName: t.Name})
	}
	return c.JSON(http.StatusOK, out)
}

// sendTestRequest is send_test's body. Greenhouse may add properties, so
// unknown ones are ignored; partner_test_id comes as a string (and once, in
// an older example, as a number).
type sendTestRequest struct {
	PartnerTestID json.RawMessage `json:"partner_test_id"`
	Candidate     struct {
		FirstName            string `json:"first_name"`
		LastName             string `json:"last_name"`
		Email                string `json:"email"`
		PhoneNumber          string `json:"phone_number"`
		ResumeURL            string `json:"resume_url"`
		GreenhouseProfileURL string `json:"greenhouse_profile_url"`
	} `json:"candidate"`
	URL string `json:"url"`
}

// SendTest: POST send_test. The candidate is invited through the link the
// integration names in the test (else its default link) and emailed the
// test; the answer is the invitation's id as partner_interview_id.
func (h *Handler) SendTest(c echo.Context) error {
	integration, err := h.integration(c)
	if err != nil {
		return err
	}
	body, err := apihttp.ReadBody(c)
	if err != nil {
		return err
	}
	var req sendTestRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "The request body is not the JSON object send_test sends.")
	}
	fe := store.FieldErrors{}
	testID, ok := partnerTestID(req.PartnerTestID)
	if !ok {
		fe["partner_test_id"] = "must be the id of a test from list_tests"
	}
	if strings.TrimSpace(req.Candidate.Email) == "" {
		fe["candidate.email"] = store.ProblemRequired
	}
	if req.URL != "" {
		if msg := store.ValidWebURL(req.URL); msg != "" {
			fe["url"] = msg
		}
	}
	ref := atsReference(req.Candidate.GreenhouseProfileURL)
	for f, msg := range ref.Validate() {
		fe["candidate."+f] = msg
	}
	if len(fe) > 0 {
		return fe
	}
	ctx := c.Request().Context()
	if reached, err := apihttp.Reaches(c, h.DB, "tests", testID); err != nil {
		return err
	} else if !reached {
		return echo.NewHTTPError(http.StatusNotFound, "No test has this partner_test_id.")
	}
	linkID, err := apihttp.LinkNamed(c, h.DB, testID, integration.LinkName)
	if err != nil {
		return err
	}
	send := true // Greenhouse leaves emailing the test to the partner
	name := strings.TrimSpace(strings.TrimSpace(req.Candidate.FirstName) + " " + strings.TrimSpace(req.Candidate.LastName))
	n := store.NewInvitation{TestID: testID, LinkID: linkID, Name: name, Email: strings.TrimSpace(req.Candidate.Email),
		Source: store.SourceGreenhouse, Actor: apihttp.Actor(c), SendEmail: &send, ATS: &ref,
		NewAfterFinish: true} // a test sent again after a finished one is a new attempt
	if req.URL != "" {
		n.CallbackURL = &req.URL
	}
	res, err := h.DB.Invite(ctx, n)
	switch {
	case errors.Is(err, store.ErrTestNotFound), errors.Is(err, store.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound, "No test has this partner_test_id.")
	case errors.Is(err, store.ErrClosed):
		return echo.NewHTTPError(http.StatusConflict, err.Error())
	case err != nil:
		return err
	}
	return c.JSON(http.StatusOK, struct {
		PartnerInterviewID string `json:"partner_interview_id"`
	}{strconv.FormatInt(res.Invitation.ID, 10)})
}

// partnerTestID reads partner_test_id as a string or a number.
func partnerTestID(raw json.RawMessage) (int64, bool) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			return 0, false
		}
		s = n.String()
	}
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return id, err == nil && id > 0
}

var greenhousePerson = regexp.MustCompile(`/people/(\d+)`)

// atsReference reads Greenhouse's ids from the candidate's profile URL
// (https://app.greenhouse.io/people/{candidate}?application_id={application}).
func atsReference(profileURL string) store.ATSReference {
	ref := store.ATSReference{ATS: store.ATSGreenhouse, ProfileURL: strings.TrimSpace(profileURL)}
	if u, err := url.Parse(ref.ProfileURL); err == nil {
		ref.ApplicationID = u.Query().Get("application_id")
		if m := greenhousePerson.FindStringSubmatch(u.Path); m != nil {
			ref.CandidateID = m[1]
		}
	}
	return ref
}
