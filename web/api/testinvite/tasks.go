package testinvite

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// Testinvite's task reads, as its guide documents "Endpoint: Listing
// Tasks" (GET /tasks) and "Endpoint: Fetching a Task" (GET /tasks/:id). A
// task is a test, with one step: the test itself.

type taskBasic struct {
	TaskID    string `json:"taskId"`
	Title     string `json:"title"`
	CreatedAt int64  `json:"createdAt"` // seconds
}

type taskDetailed struct {
	taskBasic
	OrganizationID     string            `json:"organizationId"`
	Favorite           bool              `json:"favorite"`
	Folder             string            `json:"folder"`
	Labels             []string          `json:"labels"`
	Tags               map[string]string `json:"tags"`
	Lang               string            `json:"lang"`
	AccessMethod       string            `json:"accessMethod"`
	Active             bool              `json:"active"`
	ActiveAfter        *int64            `json:"activeAfter"`
	ActiveBefore       *int64            `json:"activeBefore"`
	Steps              []taskStep        `json:"steps"`
	Programs           []taskNamed       `json:"programs"`
	Stages             []taskNamed       `json:"stages"`
	EmailTemplates     []emailTemplate   `json:"emailTemplates"`
	PrivateChatEnabled bool              `json:"privateChatEnabled"`
}

type taskStep struct {
	ID               string   `json:"id"`
	Title            string   `json:"title"`
	Active           bool     `json:"active"`
	ActiveBefore     *int64   `json:"activeBefore"`
	ActiveAfter      *int64   `json:"activeAfter"`
	AttemptLimit     int      `json:"attemptLimit"`
	Test             stepTest `json:"test"`
	WebcamRecording  string   `json:"webcamRecording"`
	ScreenRecording  string   `json:"screenRecording"`
	Fullscreen       bool     `json:"fullscreen"`
	PostAIProctoring bool     `json:"postAiProctoring"`
	PracticeMode     bool     `json:"practiceMode"`
}

type stepTest struct {
	TestID         string `json:"testId"`
	OrganizationID string `json:"organizationId"`
	Source         string `json:"source"`
}

type taskNamed struct {
	UUID string `json:"uuid"`
	Name string `json:"name"`
}

type emailTemplate struct {
	Name    string `json:"name"`
	Subject string `json:"subject"`
}

// taskStepID is the id of a task's one step: the test's.
func taskStepID(t store.Test) string { return strconv.FormatInt(t.ID, 10) }

func taskView(mode string, t store.Test) any {
	b := taskBasic{TaskID: strconv.FormatInt(t.ID, 10), Title: t.Name, CreatedAt: t.CreatedAt.Unix()}
	if mode != "detailed" {
		return b
	}
	// Testgate records no camera, screen or practice runs, and one
	// attempt per invitation (a reattempt is a new one).
	return taskDetailed{taskBasic: b, OrganizationID: testinviteOrganization, Folder: "", Labels: t.Labels,
		Tags: map[string]string{}, Lang: "default", AccessMethod: "invitation-code", Active: !t.Archived(),
		Steps: []taskStep{{ID: taskStepID(t), Title: t.Name, Active: !t.Archived(), AttemptLimit: 1,
			Test:            stepTest{TestID: taskStepID(t), OrganizationID: testinviteOrganization, Source: "own-test"},
			WebcamRecording: "NONE", ScreenRecording: "NONE"}},
		Programs: []taskNamed{}, Stages: []taskNamed{},
		EmailTemplates: []emailTemplate{{Name: "default", Subject: "Your invitation: " + t.Name}}}
}

// Tasks: GET /api/integration/rest/v1/tasks?mode=&limit=&page=&title=,
// the key's tests newest first; title keeps those whose name holds it, in
// any case. Archived tests are listed, inactive.
func (h *Handler) Tasks(c echo.Context) error {
	page, err := readPage(c, "title")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	f := store.TestFilter{Query: c.QueryParam("title"), Teams: apihttp.Teams(c)}
	active, err := h.DB.Tests(ctx, f)
	if err != nil {
		return err
	}
	f.Archived = true
	archived, err := h.DB.Tests(ctx, f)
	if err != nil {
		return err
	}
	all := append(active, archived...)
	from := min((page.Page-1)*page.Limit, len(all))
	tasks := []any{}
	for _, t := range all[from:min(from+page.Limit, len(all))] {
		tasks = append(tasks, taskView(page.Mode, t))
	}
	return c.JSON(http.StatusOK, struct {
		Tasks      []any      `json:"tasks"`
		Pagination pagination `json:"pagination"`
	}{tasks, page.of(len(all))})
}

// Task: GET /api/integration/rest/v1/tasks/:taskId?mode=.
func (h *Handler) Task(c echo.Context) error {
	t, err := h.testinviteTask(c)
	if err != nil {
		return err
	}
	mode, err := testinviteMode(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, taskView(mode, t))
}
