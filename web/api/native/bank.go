package native

import (
	"cmp"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// The question bank in the native API: a team's key works with its team's
// bank, and reads the organisation's, which every team's tests draw from;
// an organisation-wide key works with the organisation's bank and reads
// every team's.

type nativeBankQuestion struct {
	ID         int64     `json:"id"`
	Text       string    `json:"text"`
	Kind       string    `json:"kind"`
	Options    []string  `json:"options"`
	Correct    []int     `json:"correct"`
	Points     int       `json:"points"`
	Topic      string    `json:"topic"`
	Difficulty string    `json:"difficulty"`
	Version    int       `json:"version"`
	Archived   bool      `json:"archived"`
	Team       *int64    `json:"team"` // null: the organisation's bank
	UsedBy     *int      `json:"usedByTests,omitempty"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
	store.QuestionSpec
}

func toNativeBankQuestion(b store.BankQuestion) nativeBankQuestion {
	return nativeBankQuestion{ID: b.ID, Text: b.Text, Kind: string(b.Kind), Options: b.Options, Correct: b.Correct, Points: b.Points,
		Topic: b.Topic, Difficulty: string(b.Difficulty), Version: b.Version, Archived: b.ArchivedAt != nil, Team: b.TeamID,
		CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt, QuestionSpec: b.Spec}
}

// nativeBankRequest adds one question, or many at once ({questions: […]}).
type nativeBankRequest struct {
	nativeQuestion
	Questions []nativeQuestion `json:"questions"`
}

// AddBankQuestions: POST /api/native/bank/questions.
func (h *Handler) AddBankQuestions(c echo.Context) error {
	var req nativeBankRequest
	if err := apihttp.DecodeJSON(c, &req); err != nil {
		return err
	}
	in := []store.QuestionInput{req.input()}
	if len(req.Questions) > 0 {
		in = in[:0]
		for _, q := range req.Questions {
			in = append(in, q.input())
		}
	}
	var team *int64 // an organisation-wide key adds to the organisation's bank
	if k, ok := apihttp.Key(c); ok {
		team = k.TeamID
	}
	ids, err := h.DB.AddBankQuestionsTo(c.Request().Context(), team, in)
	if err != nil {
		return err
	}
	out := struct {
		Questions []nativeBankQuestion `json:"questions"`
	}{Questions: []nativeBankQuestion{}}
	for _, id := range ids {
		b, err := h.DB.BankQuestion(c.Request().Context(), id)
		if err != nil {
			return err
		}
		out.Questions = append(out.Questions, toNativeBankQuestion(b))
	}
	return c.JSON(http.StatusCreated, out)
}

// ListBankQuestions: GET /api/native/bank/questions?topic=&difficulty=&q=&archived=&page=&pageSize=.
func (h *Handler) ListBankQuestions(c echo.Context) error {
	fe := store.FieldErrors{}
	page, size := int(queryInt(c, fe, "page")), int(queryInt(c, fe, "pageSize"))
	f := store.BankFilter{Topic: c.QueryParam("topic"), Difficulty: store.Difficulty(c.QueryParam("difficulty")), Query: c.QueryParam("q"),
		Archived: c.QueryParam("archived") == "true", Teams: apihttp.Teams(c)}
	if !f.Difficulty.Valid() {
		fe["difficulty"] = "must be easy, medium or hard"
	}
	if size > store.MaxPageSize {
		fe["pageSize"] = "must be at most " + strconv.Itoa(store.MaxPageSize)
	}
	if len(fe) > 0 {
		return fe
	}
	page, size = max(page, 1), cmp.Or(size, 50)
	f.Limit, f.Offset = size, (page-1)*size
	list, total, err := h.DB.BankQuestions(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := struct {
		Questions []nativeBankQuestion `json:"questions"`
		Page      int                  `json:"page"`
		PageSize  int                  `json:"pageSize"`
		Total     int                  `json:"total"`
	}{Questions: []nativeBankQuestion{}, Page: page, PageSize: size, Total: total}
	for _, b := range list {
		out.Questions = append(out.Questions, toNativeBankQuestion(b))
	}
	return c.JSON(http.StatusOK, out)
}

// GetBankQuestion: GET /api/native/bank/questions/{id}.
func (h *Handler) GetBankQuestion(c echo.Context) error {
	id, err := apihttp.PathID(c, "id")
	if err != nil {
		return err
	}
	b, err := h.bankQuestion(c, id, false)
	if err != nil {
		return err
	}
	out := toNativeBankQuestion(b)
	out.UsedBy = &b.UsedBy
	return c.JSON(http.StatusOK, out)
}

// UpdateBankQuestion: PUT /api/native/bank/questions/{id} replaces it;
// attempts keep the version they were given.
func (h *Handler) UpdateBankQuestion(c echo.Context) error {
	id, err := apihttp.PathID(c, "id")
	if err != nil {
		return err
	}
	var req nativeQuestion
	if err := apihttp.DecodeJSON(c, &req); err != nil {
		return err
	}
	if _, err := h.bankQuestion(c, id, true); err != nil {
		return err
	}
	b, err := h.DB.UpdateBankQuestion(c.Request().Context(), id, req.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toNativeBankQuestion(b))
}

// ArchiveBankQuestion: DELETE /api/native/bank/questions/{id} takes it out
// of the bank: no test picks or draws it any more; attempts keep it.
func (h *Handler) ArchiveBankQuestion(c echo.Context) error {
	id, err := apihttp.PathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := h.bankQuestion(c, id, true); err != nil {
		return err
	}
	if err := h.DB.SetBankQuestionArchived(c.Request().Context(), id, true); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// bankQuestion loads a bank question the key reaches: its team's or the
// organisation's (another team's is 404); to change it (change), its
// team's, or any for an organisation-wide key.
func (h *Handler) bankQuestion(c echo.Context, id int64, change bool) (store.BankQuestion, error) {
	teams := apihttp.Teams(c)
	b, err := h.DB.BankQuestionIn(c.Request().Context(), id, teams, change, teams == nil)
	if errors.Is(err, store.ErrBankKeptByAdmins) {
		return b, echo.NewHTTPError(http.StatusForbidden, "The organisation's bank is kept by organisation-wide keys and admins.")
	}
	return b, err
}
