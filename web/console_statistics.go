package web

import (
	"math"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
)

// testStatistics: GET /tests/{id}/statistics, what the test's completed
// attempts say about it and each of its questions.
func (s *Server) testStatistics(c echo.Context) error {
	t, st, err := s.statisticsOf(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.StatisticsPage(s.page(c, "Statistics: "+t.Name, views.SectionTests), views.StatisticsView{Test: t, Stats: st}))
}

// statisticsCSV: GET /tests/{id}/statistics.csv, a row per question, then
// a column pair per option (text, times chosen).
func (s *Server) statisticsCSV(c echo.Context) error {
	t, st, err := s.statisticsOf(c)
	if err != nil {
		return err
	}
	options := 0
	for _, q := range st.Questions {
		options = max(options, len(q.Options))
	}
	header := []string{"position", "question", "kind", "points", "attempts", "scored", "facility", "discrimination_27",
		"correlation_with_rest", "skipped_share", "median_seconds"}
	for i := range options {
		n := strconv.Itoa(i + 1)
		header = append(header, "option_"+n, "option_"+n+"_correct", "option_"+n+"_chosen")
	}
	w := csvDownload(c, "statistics-"+strconv.FormatInt(t.ID, 10)+".csv")
	w.Write(header)
	for i, q := range st.Questions {
		row := []string{strconv.Itoa(i + 1), q.Question.Text, string(q.Question.Kind), strconv.Itoa(q.Question.Points),
			strconv.Itoa(q.Given), strconv.Itoa(q.Scored), csvFigure(q.Facility, 4), csvFigure(q.Discrimination, 4),
			csvFigure(q.PointBiserial, 4), csvFigure(q.Skipped, 4), csvFigure(q.MedianSeconds, 0)}
		for _, o := range q.Options {
			row = append(row, o.Text, strconv.FormatBool(o.Correct), strconv.Itoa(o.Chosen))
		}
		row = append(row, make([]string, len(header)-len(row))...) // every row as wide as the header
		if err := w.Write(spreadsheetSafeRow(row)); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

func (s *Server) statisticsOf(c echo.Context) (store.Test, store.TestStatistics, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return store.Test{}, store.TestStatistics{}, err
	}
	ctx := c.Request().Context()
	t, err := s.db.Test(ctx, id)
	if err != nil {
		return t, store.TestStatistics{}, err
	}
	st, err := s.db.TestStatistics(ctx, id)
	return t, st, err
}

// csvFigure writes a figure with the decimals given, empty when the data
// cannot give it.
func csvFigure(x float64, decimals int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return strconv.FormatFloat(x, 'f', decimals, 64)
}
