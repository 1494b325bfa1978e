package native

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// Handler answers the native dialect's routes; web wires it with the
// collaborators every dialect shares.
type Handler struct{ apihttp.Base }

// The native API: Testgate's own JSON shapes, camelCase, RFC 3339 times.

// nativeError is the native dialect's error body.
type nativeError struct {
	Error nativeErrorBody `json:"error"`
}

type nativeErrorBody struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

var nativeErrorCodes = map[int]string{
	http.StatusBadRequest:            "invalid_request",
	http.StatusUnauthorized:          "unauthorized",
	http.StatusForbidden:             "forbidden",
	http.StatusNotFound:              "not_found",
	http.StatusMethodNotAllowed:      "method_not_allowed",
	http.StatusConflict:              "conflict",
	http.StatusUnprocessableEntity:   "unprocessable",
	http.StatusRequestEntityTooLarge: "payload_too_large",
	http.StatusUnsupportedMediaType:  "unsupported_media_type",
	http.StatusTooManyRequests:       "rate_limited",
}

// WriteError answers an error under /api/native in its JSON shape: a
// code, a message and every field problem.
func WriteError(c echo.Context, status int, message string, fields store.FieldErrors) error {
	code, ok := nativeErrorCodes[status]
	if !ok {
		code = "internal_error"
	}
	if status == http.StatusNotFound && message == apihttp.NotFoundMessage {
		message = "No such resource."
	}
	return c.JSON(status, nativeError{Error: nativeErrorBody{Code: code, Message: message, Fields: fields}})
}

type nativeQuestion struct {
	ID         int64    `json:"id,omitempty"`
	Position   int      `json:"position,omitempty"`
	Text       string   `json:"text"`
	Kind       string   `json:"kind"`
	Options    []string `json:"options"`
	Correct    []int    `json:"correct"`
	Points     int      `json:"points"` // 0 or absent in a request: 1
	Topic      string   `json:"topic"`
	Difficulty string   `json:"difficulty"` // easy, medium, hard or ""
	SectionID  int64    `json:"sectionId,omitempty"`
	// BankQuestionID, in a section of a request, picks a bank question
	// instead of writing one.
	BankQuestionID int64 `json:"bankQuestionId,omitempty"`
	// The kind's settings and the marking, as fields of the question:
	// answer, tolerance, unit, matches, blanks, caseSensitive, minWords,
	// maxWords, language, partial, penalty, floor.
	store.QuestionSpec
}

func (q nativeQuestion) input() store.QuestionInput {
	return store.QuestionInput{Text: q.Text, Kind: store.QuestionKind(q.Kind), Options: q.Options, Correct: q.Correct,
		Points: q.Points, Topic: q.Topic, Difficulty: store.Difficulty(q.Difficulty), Spec: q.QuestionSpec}
}

func toNativeQuestion(q store.Question) nativeQuestion {
	return nativeQuestion{ID: q.ID, Position: q.Position, Text: q.Text, Kind: string(q.Kind), Options: q.Options,
		Correct: q.Correct, Points: q.Points, Topic: q.Topic, Difficulty: string(q.Difficulty), SectionID: q.SectionID, QuestionSpec: q.Spec}
}

// nativeBand is a performance band: a final score of minPercent or more.
type nativeBand struct {
	Name       string `json:"name"`
	MinPercent int    `json:"minPercent"`
}

type nativeTestRequest struct {
	Name            string           `json:"name"`
	Kind            string           `json:"kind"`
	Instructions    string           `json:"instructions"`
	DurationMinutes *int             `json:"durationMinutes"`
	PassingScore    *int             `json:"passingScore"`
	Bands           []nativeBand     `json:"bands"`
	Labels          []string         `json:"labels"`
	Questions       []nativeQuestion `json:"questions"`
	// Sections, instead of questions: a test of parts, each all or some
	// of its questions drawn per candidate.
	Sections []nativeSectionRequest `json:"sections"`
}

type nativeTest struct {
	ID              int64            `json:"id"`
	Name            string           `json:"name"`
	Kind            string           `json:"kind"`
	Instructions    string           `json:"instructions"`
	DurationMinutes int              `json:"durationMinutes"`
	PassingScore    int              `json:"passingScore"`
	Bands           []nativeBand     `json:"bands"`
	Labels          []string         `json:"labels"`
	Archived        bool             `json:"archived"`
	QuestionCount   int              `json:"questionCount"`
	LinkCount       int              `json:"linkCount"`
	CreatedAt       time.Time        `json:"createdAt"`
	UpdatedAt       time.Time        `json:"updatedAt"`
	Questions       []nativeQuestion `json:"questions,omitempty"`
	Sections        []nativeSection  `json:"sections,omitempty"`
	DefaultLink     *nativeLink      `json:"defaultLink,omitempty"`
}

func toNativeTest(t store.Test) nativeTest {
	bands := []nativeBand{}
	for _, b := range t.Bands {
		bands = append(bands, nativeBand{Name: b.Name, MinPercent: b.MinPercent})
	}
	return nativeTest{ID: t.ID, Name: t.Name, Kind: string(t.Kind), Instructions: t.Instructions,
		DurationMinutes: t.DurationMinutes, PassingScore: t.PassingScore, Bands: bands, Labels: t.Labels, Archived: t.Archived(),
		QuestionCount: t.QuestionCount, LinkCount: t.LinkCount, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

func (h *Handler) CreateTest(c echo.Context) error {
	var req nativeTestRequest
	if err := apihttp.DecodeJSON(c, &req); err != nil {
		return err
	}
	in := store.TestInput{Name: req.Name, Kind: store.TestKind(req.Kind), Instructions: req.Instructions, Labels: req.Labels}
	if k, ok := apihttp.Key(c); ok && k.TeamID != nil {
		in.TeamID = *k.TeamID // a team's key makes the team's tests
	}
	if in.Kind == "" {
		in.Kind = store.KindAssessment
	}
	required := store.FieldErrors{}
	if req.DurationMinutes == nil {
		required["durationMinutes"] = "is required"
	} else {
		in.DurationMinutes = *req.DurationMinutes
	}
	if req.PassingScore != nil {
		in.PassingScore = *req.PassingScore
	}
	for _, b := range req.Bands {
		in.Bands = append(in.Bands, store.Band{Name: b.Name, MinPercent: b.MinPercent})
	}
	var qs []store.QuestionInput
	for _, q := range req.Questions {
		qs = append(qs, q.input())
	}
	if len(req.Questions) > 0 && len(req.Sections) > 0 {
		required["sections"] = "give either questions or sections, not both"
	}
	if len(required) > 0 {
		return in.Validate().With(required)
	}
	var t store.Test
	var err error
	if len(req.Sections) > 0 {
		t, err = h.DB.CreateSectionedTest(c.Request().Context(), in, sectionInputs(req.Sections))
	} else {
		t, err = h.DB.CreateTest(c.Request().Context(), in, qs)
	}
	if err != nil {
		return err
	}
	out, err := h.nativeTestDetail(c, t)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/native/tests/"+strconv.FormatInt(t.ID, 10))
	return c.JSON(http.StatusCreated, out)
}

// nativeTestDetail is a test with its questions and default link.
func (h *Handler) nativeTestDetail(c echo.Context, t store.Test) (nativeTest, error) {
	ctx := c.Request().Context()
	out := toNativeTest(t)
	qs, err := h.DB.Questions(ctx, t.ID)
	if err != nil {
		return out, err
	}
	out.Questions = []nativeQuestion{}
	for _, q := range qs {
		out.Questions = append(out.Questions, toNativeQuestion(q))
	}
	sections, err := h.DB.Sections(ctx, t.ID)
	if err != nil {
		return out, err
	}
	out.Sections = toNativeSections(sections, qs)
	l, err := h.DB.DefaultLink(ctx, t.ID)
	if err != nil {
		return out, err
	}
	nl := h.toNativeLink(l)
	out.DefaultLink = &nl
	return out, nil
}

// DuplicateTest: POST /api/native/tests/{id}/duplicate {"name"?}, the
// copy as GET /api/native/tests/{id} answers it.
func (h *Handler) DuplicateTest(c echo.Context) error {
	id, err := apihttp.PathID(c, "id")
	if err != nil {
		return err
	}
	var req struct {
		Name *string `json:"name"`
	}
	if err := apihttp.DecodeJSON(c, &req); err != nil {
		return err
	}
	name := ""
	if req.Name != nil {
		if name = *req.Name; strings.TrimSpace(name) == "" {
			return store.FieldErrors{"name": store.ProblemRequired}
		}
	}
	t, err := h.DB.DuplicateTest(c.Request().Context(), id, name)
	if err != nil {
		return err
	}
	out, err := h.nativeTestDetail(c, t)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/native/tests/"+strconv.FormatInt(t.ID, 10))
	return c.JSON(http.StatusCreated, out)
}

func (h *Handler) GetTest(c echo.Context) error {
	id, err := apihttp.PathID(c, "id")
	if err != nil {
		return err
	}
	t, err := h.DB.Test(c.Request().Context(), id)
	if err != nil {
		return err
	}
	out, err := h.nativeTestDetail(c, t)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (h *Handler) ListTests(c echo.Context) error {
	f := store.TestFilter{Query: c.QueryParam("q"), Teams: apihttp.Teams(c)}
	switch c.QueryParam("archived") {
	case "", "false", "0":
	case "true", "1":
		f.Archived = true
	default:
		return store.FieldErrors{"archived": "must be true or false"}
	}
	tests, err := h.DB.Tests(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := struct {
		Tests []nativeTest `json:"tests"`
	}{Tests: []nativeTest{}}
	for _, t := range tests {
		out.Tests = append(out.Tests, toNativeTest(t))
	}
	return c.JSON(http.StatusOK, out)
}
