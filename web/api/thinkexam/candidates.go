package thinkexam

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// ThinkExam's candidate calls beyond assigning: "Register / Login Candidate
// with test link" (POST /api/v1/unifiedAuth) and "Candidate List mapped
// with Test". A candidate exists in Testgate only as someone invited to a
// test, so registering names the test in courseName; the mobile number,
// gender, date of birth and password have no counterpart (candidates open
// their test by its link) and are not kept.

// unifiedAuthAnswer is the page's answer: the message, then data and the
// token beside it, not inside.
type unifiedAuthAnswer struct {
	Result  string `json:"result"`
	Success struct {
		Msg string `json:"msg"`
	} `json:"success"`
	Data         registered `json:"data"`
	LaravelToken string     `json:"laravelToken"`
}

type registered struct {
	StudentID    int64  `json:"studentId"`
	EnrollmentNo string `json:"enrollmentNo"`
	ProfilePic   string `json:"profilePic"`
	TestURL      string `json:"testUrl"` // Testgate's: where the candidate takes the test
}

// Register registers a candidate on a test (or, already registered, logs
// them in): the token answered is the candidate's own test link's, which
// opens their test as ThinkExam's session token opens its portal.
func (h *Handler) Register(c echo.Context) error {
	f, err := thinkExamFields(c)
	if err != nil {
		return err
	}
	values := map[string]string{}
	for _, name := range []string{"name", "email", "courseName"} {
		v, err := teString(f, name)
		if err != nil {
			var te *thinkExamError
			if errors.As(err, &te) && te.Code == teRequired {
				err = teErr(http.StatusBadRequest, teBlank, name+" should not be blank")
			}
			return err
		}
		values[name] = v
	}
	if !store.ValidEmail(values["email"]) {
		return teErr(http.StatusBadRequest, teBadEmail, fmt.Sprintf("email is not a valid email address: %q.", values["email"]))
	}
	optional := func(name string) string {
		var s string
		json.Unmarshal(f[strings.ToLower(name)], &s)
		return strings.TrimSpace(s)
	}
	link, err := h.courseLink(c, values["courseName"])
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	msg := "Login Successfull."
	inv, err := h.DB.InvitationOnLink(ctx, link.ID, values["email"])
	if errors.Is(err, store.ErrNotFound) || err == nil && !inv.Status.Live() {
		no := false
		res, ierr := h.DB.Invite(ctx, store.NewInvitation{TestID: link.TestID, LinkID: link.ID, Name: values["name"], Email: values["email"],
			ExternalID: optional("enrollment_number"), SendEmail: &no, Source: store.SourceThinkExam, Actor: apihttp.Actor(c)})
		switch {
		case errors.Is(ierr, store.ErrClosed):
			return teErr(http.StatusConflict, teClosed, ierr.Error())
		case ierr != nil:
			return ierr
		}
		inv, err, msg = res.Invitation, nil, "Registration Successfull."
	}
	if err != nil {
		return err
	}
	enrollment := inv.ExternalID
	if enrollment == "" {
		enrollment = "TG" + strconv.FormatInt(inv.PersonID, 10)
	}
	out := unifiedAuthAnswer{Result: "success", LaravelToken: inv.Token,
		Data: registered{StudentID: inv.PersonID, EnrollmentNo: enrollment, ProfilePic: optional("profilePic"), TestURL: h.URLs.TestURL(inv)}}
	out.Success.Msg = msg
	return c.JSON(http.StatusOK, out)
}

// courseLink finds the test courseName names, by id or by its name in any
// case, among the key's tests, and its default link.
func (h *Handler) courseLink(c echo.Context, course string) (store.TestLink, error) {
	if _, err := strconv.ParseInt(course, 10, 64); err == nil {
		return h.thinkExamTest(c, map[string]json.RawMessage{"testid": json.RawMessage(strconv.Quote(course))})
	}
	tests, err := h.DB.Tests(c.Request().Context(), store.TestFilter{Query: course, Teams: apihttp.Teams(c)})
	if err != nil {
		return store.TestLink{}, err
	}
	for _, t := range tests {
		if strings.EqualFold(t.Name, course) {
			return h.thinkExamTest(c, map[string]json.RawMessage{"testid": json.RawMessage(strconv.Quote(strconv.FormatInt(t.ID, 10)))})
		}
	}
	return store.TestLink{}, teErr(http.StatusNotFound, teUnknownTest, "No test named "+strconv.Quote(course)+".")
}

// mappedCandidate is one candidate of a test in the candidate list.
type mappedCandidate struct {
	StudentID     int64    `json:"studentId"`
	InvitationID  int64    `json:"invitationId"`
	Name          string   `json:"name"`
	Email         string   `json:"email"`
	EnrollmentNo  string   `json:"enrollmentNo"`
	TestID        string   `json:"testId"`
	TestName      string   `json:"testName"`
	TestStatus    string   `json:"testStatus"`
	Score         *int     `json:"score"`
	MaxScore      *int     `json:"maxScore"`
	Percentage    *float64 `json:"percentage"`
	Result        *string  `json:"result"` // Pass or Fail once final
	AssignedOn    string   `json:"assignedOn"`
	StartedOn     *string  `json:"startedOn"`
	CompletedOn   *string  `json:"completedOn"`
	TestURL       string   `json:"testUrl"`
	IsMailEnabled bool     `json:"isMailEnable"`
}

// maxMappedCandidates bounds one answer of the candidate list.
const maxMappedCandidates = store.MaxPageSize

// CandidateList answers the candidates mapped with a test {testId, page?,
// limit?}, assigned first first, de-assigned ones left out.
func (h *Handler) CandidateList(c echo.Context) error {
	f, err := thinkExamFields(c)
	if err != nil {
		return err
	}
	link, err := h.thinkExamTest(c, f)
	if err != nil {
		return err
	}
	page, limit := 1, maxMappedCandidates
	for name, dst := range map[string]*int{"page": &page, "limit": &limit} {
		if raw, ok := f[name]; ok && string(raw) != "null" {
			var n json.Number
			v, perr := int64(0), json.Unmarshal(raw, &n)
			if perr == nil {
				v, perr = n.Int64()
			}
			if perr != nil || v < 1 || name == "limit" && v > maxMappedCandidates {
				return teErr(http.StatusBadRequest, teBlank, fmt.Sprintf("%s must be a whole number from 1 to %d.", name, maxMappedCandidates))
			}
			*dst = int(v)
		}
	}
	invs, total, err := h.DB.Invitations(c.Request().Context(), store.InvitationFilter{TestID: link.TestID, NotCancelled: true,
		Page: page, PageSize: limit, Sort: "created"})
	if err != nil {
		return err
	}
	list := []mappedCandidate{}
	for _, inv := range invs {
		m := mappedCandidate{StudentID: inv.PersonID, InvitationID: inv.ID, Name: inv.Name, Email: inv.Email, EnrollmentNo: inv.ExternalID,
			TestID: strconv.FormatInt(inv.TestID, 10), TestName: inv.TestName, TestStatus: thinkExamStatus(inv.Status),
			Score: inv.Score, MaxScore: inv.MaxScore, Percentage: inv.ScorePercent(), AssignedOn: inv.InvitedAt.UTC().Format(time.RFC3339),
			StartedOn: rfc3339(inv.StartedAt), CompletedOn: rfc3339(inv.CompletedAt), TestURL: h.URLs.TestURL(inv), IsMailEnabled: inv.SendEmail}
		if inv.Final() && inv.ScorePercent() != nil {
			r := "Fail"
			if inv.Passed() {
				r = "Pass"
			}
			m.Result = &r
		}
		list = append(list, m)
	}
	return c.JSON(http.StatusOK, thinkExamEnvelope{Result: "success", Success: &thinkExamBody{Code: "200",
		Msg: fmt.Sprintf("%d candidates mapped with the test", total), Data: map[string]any{
			"candidates": list, "total": total, "page": page, "limit": limit}}})
}

// thinkExamStatus is an invitation's state in ThinkExam's words.
func thinkExamStatus(s store.InvitationStatus) string {
	switch s {
	case store.StatusStarted:
		return "In Progress"
	case store.StatusCompleted:
		return "Completed"
	case store.StatusExpired:
		return "Expired"
	default:
		return "Assigned"
	}
}

func rfc3339(t *time.Time) *string {
	if t == nil {
		return nil
	}
	v := t.UTC().Format(time.RFC3339)
	return &v
}
