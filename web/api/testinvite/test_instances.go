package testinvite

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"testgate/store"
)

// Testinvite's results, as its guide documents "Endpoint: Listing Test
// Instances & Results" (GET /tasks/:taskId/test-instances) and "Endpoint:
// Fetching a Test Session & Result" (GET .../test-instances/:id). A test
// instance is an attempt that began: one per candidate (ticket), so its id
// is the candidate's.

type instanceBasic struct {
	TestInstanceID string `json:"testInstanceId"`
	TaskID         string `json:"taskId"`
	StepID         string `json:"stepId"`
	TicketID       string `json:"ticketId"`
	Status         string `json:"status"` // STARTED or COMPLETE
	Ignored        bool   `json:"ignored"`
	Result         any    `json:"result"` // false until complete
}

type instanceDetailed struct {
	instanceBasic
	OrganizationID string            `json:"organizationId"`
	Candidate      instanceCandidate `json:"candidate"`
	Folder         string            `json:"folder"`
	Group          string            `json:"group"`
	Labels         []string          `json:"labels"`
	Tags           any               `json:"tags"`
}

type instanceCandidate struct {
	ID   string `json:"id"`
	Kind string `json:"kind"` // "user" or "temp"
}

type scoreboard struct {
	PointsAchieved      int     `json:"pointsAchieved"`
	MaxAchievablePoints int     `json:"maxAchievablePoints"`
	AchievementRatio    float64 `json:"achievementRatio"`
	NoOfQuestions       *int    `json:"noOfQuestions,omitempty"` // detailed only
}

type basicResult struct {
	CompletedAt int64      `json:"completedAt"` // seconds
	Scoreboard  scoreboard `json:"scoreboard"`
}

type detailedResult struct {
	basicResult
	Sections   []sectionResult `json:"sections"`
	Dimensions []any           `json:"dimensions"`
}

type sectionResult struct {
	UUID       string     `json:"uuid"`
	Scoreboard scoreboard `json:"scoreboard"`
}

func board(points, max, questions int, detailed bool) scoreboard {
	b := scoreboard{PointsAchieved: points, MaxAchievablePoints: max}
	if max > 0 {
		b.AchievementRatio = math.Round(float64(points)/float64(max)*10000) / 10000
	}
	if detailed {
		b.NoOfQuestions = &questions
	}
	return b
}

// instanceView writes an attempt as a test instance; the detailed result
// adds up its paper section by section.
func (h *Handler) instanceView(ctx context.Context, mode string, inv store.Invitation) (any, error) {
	b := instanceBasic{TestInstanceID: strconv.FormatInt(inv.ID, 10), TaskID: strconv.FormatInt(inv.TestID, 10),
		StepID: strconv.FormatInt(inv.TestID, 10), TicketID: strconv.FormatInt(inv.ID, 10), Status: "STARTED", Result: false}
	completed := inv.Status == store.StatusCompleted && inv.CompletedAt != nil && inv.Score != nil && inv.MaxScore != nil
	if inv.Status == store.StatusCompleted {
		b.Status = "COMPLETE"
	}
	var res basicResult
	if completed {
		res = basicResult{CompletedAt: inv.CompletedAt.Unix(), Scoreboard: board(*inv.Score, *inv.MaxScore, 0, false)}
		b.Result = res
	}
	if mode != "detailed" {
		return b, nil
	}
	kind := inv.CandidateKind
	if kind != "user" {
		kind = "temp"
	}
	d := instanceDetailed{instanceBasic: b, OrganizationID: testinviteOrganization,
		Candidate: instanceCandidate{ID: strconv.FormatInt(inv.ID, 10), Kind: kind}, Group: inv.Group, Labels: inv.Labels, Tags: inv.Tags}
	if d.Labels == nil {
		d.Labels = []string{}
	}
	if len(inv.Tags) == 0 {
		d.Tags = map[string]string{}
	}
	if !completed {
		return d, nil
	}
	qs, err := h.DB.AttemptQuestions(ctx, inv)
	if err != nil {
		return nil, err
	}
	answers, err := h.DB.Answers(ctx, inv.ID)
	if err != nil {
		return nil, err
	}
	full := detailedResult{basicResult: res, Sections: []sectionResult{}, Dimensions: []any{}}
	full.Scoreboard = board(*inv.Score, *inv.MaxScore, len(qs), true)
	for i, sc := range store.ScoreSections(qs, answers) {
		full.Sections = append(full.Sections, sectionResult{UUID: strconv.FormatInt(inv.TestID, 10) + "-" + strconv.Itoa(i+1),
			Scoreboard: board(sc.Score, sc.MaxScore, len(sc.QuestionIDs), true)})
	}
	d.Result = full
	return d, nil
}

// TestInstances: GET .../tasks/:taskId/test-instances?mode=&limit=&page=
// &candidateId= (or ticketId=) | &externalId=, the task's attempts that
// began, oldest first.
func (h *Handler) TestInstances(c echo.Context) error {
	t, err := h.testinviteTask(c)
	if err != nil {
		return err
	}
	page, err := readPage(c, "candidateId", "ticketId", "externalId")
	if err != nil {
		return err
	}
	q := c.QueryParams()
	candidate := q.Get("candidateId")
	if candidate == "" {
		candidate = q.Get("ticketId")
	}
	if candidate != "" && q.Get("externalId") != "" {
		return tiFail(http.StatusBadRequest, "Give either candidateId or externalId, not both.")
	}
	f := store.InvitationFilter{TestID: t.ID, Started: true, ExternalID: q.Get("externalId"), Page: page.Page, PageSize: page.Limit, Sort: "created"}
	if candidate != "" {
		id, err := strconv.ParseInt(candidate, 10, 64)
		if err != nil || id <= 0 {
			return tiFail(http.StatusBadRequest, "candidateId must be a candidate's id.")
		}
		f.ID = id
	}
	ctx := c.Request().Context()
	invs, total, err := h.DB.Invitations(ctx, f)
	if err != nil {
		return err
	}
	instances := []any{}
	for _, inv := range invs {
		v, err := h.instanceView(ctx, page.Mode, inv)
		if err != nil {
			return err
		}
		instances = append(instances, v)
	}
	return c.JSON(http.StatusOK, struct {
		TestInstances []any      `json:"testInstances"`
		Pagination    pagination `json:"pagination"`
	}{instances, page.of(total)})
}

// TestInstance: GET .../tasks/:taskId/test-instances/:id?mode=.
func (h *Handler) TestInstance(c echo.Context) error {
	t, err := h.testinviteTask(c)
	if err != nil {
		return err
	}
	mode, err := testinviteMode(c)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return tiFail(http.StatusNotFound, "No test instance with this id in this task.")
	}
	ctx := c.Request().Context()
	inv, err := h.DB.Invitation(ctx, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && (inv.TestID != t.ID || inv.StartedAt == nil) {
		return tiFail(http.StatusNotFound, "No test instance with this id in this task.")
	} else if err != nil {
		return err
	}
	v, err := h.instanceView(ctx, mode, inv)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}
