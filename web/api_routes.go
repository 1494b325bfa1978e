package web

import (
	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
	"testgate/web/api/callbacks"
	"testgate/web/api/imocha"
	"testgate/web/api/native"
	"testgate/web/api/testinvite"
	"testgate/web/api/thinkexam"
	"testgate/web/api/xobin"
)

// dialects are the API's handlers, one package each.
type dialects struct {
	native     *native.Handler
	imocha     *imocha.Handler
	xobin      *xobin.Handler
	testinvite *testinvite.Handler
	thinkexam  *thinkexam.Handler
}

// newDialects builds every dialect's handler and the registry of their
// callback bodies, which the store uses for every status change.
func (s *Server) newDialects() error {
	deps := apihttp.Deps{DB: s.db, URLs: s, Reports: s}
	var err error
	if s.apis.native, err = native.New(deps, s.log); err != nil {
		return err
	}
	if s.apis.imocha, err = imocha.New(deps, s.log); err != nil {
		return err
	}
	if s.apis.xobin, err = xobin.New(deps, s.log); err != nil {
		return err
	}
	if s.apis.testinvite, err = testinvite.New(deps, s.log); err != nil {
		return err
	}
	if s.apis.thinkexam, err = thinkexam.New(deps, s.log); err != nil {
		return err
	}
	registry, err := callbacks.NewRegistry(s.apis.native, map[string]callbacks.CallbackBuilder{
		store.SourceIMocha: s.apis.imocha, store.SourceXobin: s.apis.xobin,
		store.SourceTestinvite: s.apis.testinvite, store.SourceThinkExam: s.apis.thinkexam,
	})
	if err != nil {
		return err
	}
	s.db.SetPayloadBuilder(registry)
	return nil
}

// apiRoutes maps every dialect's routes. Body limits sit inside each group,
// after its dialect's error writer, so that a refusal speaks the dialect.
func (s *Server) apiRoutes() {
	e, key := s.e, apihttp.RequireKey(s.db, s.log)
	limit := func(n int64) echo.MiddlewareFunc { return bodyLimit(n, nil) }

	n := s.apis.native
	nat := e.Group("/api/native", apihttp.Dialect(native.WriteError), key, limit(1<<20), requireText)
	nat.POST("/tests", n.CreateTest)
	nat.GET("/tests", n.ListTests)
	nat.GET("/tests/:id", n.GetTest)
	nat.POST("/tests/:id/links", n.CreateLink)
	nat.GET("/tests/:id/links", n.ListLinks)
	nat.POST("/links/:id/invitations", n.Invite)
	nat.GET("/invitations", n.ListInvitations)
	nat.GET("/invitations/:id", n.GetInvitation)
	nat.POST("/invitations/:id/cancel", n.CancelInvitation)
	nat.POST("/invitations/:id/grades", n.Grade)
	nat.POST("/invitations/:id/erase", n.EraseInvitation)
	nat.POST("/candidates/erase", n.EraseCandidate)
	nat.POST("/candidates/export", n.ExportCandidate)
	nat.POST("/bank/questions", n.AddBankQuestions)
	nat.GET("/bank/questions", n.ListBankQuestions)
	nat.GET("/bank/questions/:id", n.GetBankQuestion)
	nat.PUT("/bank/questions/:id", n.UpdateBankQuestion)
	nat.DELETE("/bank/questions/:id", n.ArchiveBankQuestion)
	e.GET("/api/native/openapi.json", n.OpenAPI)

	im := s.apis.imocha
	v3 := e.Group("/v3", apihttp.Dialect(imocha.WriteError), key, limit(1<<20), requireText)
	v3.POST("/tests/:testId/testlinks/:testLinkId/invite", im.InviteCandidate)
	v3.POST("/tests/:testId/invite", im.InviteCandidate)
	v3.GET("/tests", im.Tests)
	v3.GET("/tests/:testId", im.Test)
	v3.GET("/tests/:testId/testlinks", im.TestLinks)
	v3.GET("/tests/:testId/testlinks/:testLinkId", im.TestLink)
	v3.POST("/invitations/:id/cancel", im.Cancel)
	v3.POST("/invitations/:id/reattempt", im.Reattempt)
	v3.POST("/candidates/testattempts", im.TestAttempts)
	v3.GET("/reports/:id", im.Report)
	v3.GET("/reports/:id/pdf", im.ReportPDF)
	v3.POST("/callbacks/process", im.ReplayCallbacks)
	v3.POST("/gdpr/requests", im.GDPRRequest)

	ti := s.apis.testinvite
	rest := e.Group("/api/integration/rest/v1", apihttp.Dialect(testinvite.WriteError), key, limit(1<<20), requireText)
	rest.POST("/tasks/:taskId/candidates", ti.Create)
	rest.GET("/tasks/:taskId/candidates", ti.List)
	rest.GET("/tasks/:taskId/candidates/:candidateId", ti.Get)
	rest.DELETE("/tasks/:taskId/candidates/:candidateId", ti.Delete)

	// Xobin's pages give its routes bare and under the /api/v2 base path.
	xo := s.apis.xobin
	for _, base := range []string{"", "/api/v2"} {
		g := e.Group(base, apihttp.Dialect(xobin.WriteError), xo.RequireKey, limit(1<<20), requireText)
		g.POST("/assessments/invite", xo.AssessmentInvite)
		g.POST("/assessment/invite", xo.BulkInvite)
		g.POST("/automated-interviews/invite", xo.InterviewInvite)
		g.GET("/assessments/report/:report_id", xo.Report)
		g.POST("/assessments/reports/:report_id/:option", xo.ShareReport)
		g.POST("/assessments/invite/revoke", xo.Revoke)
	}

	// ThinkExam: 10,000 addresses fit in a few hundred kilobytes.
	te := s.apis.thinkexam
	v1 := e.Group("/api/v1", thinkexam.Dialect, limit(2<<20), requireText)
	v1.POST("/generateSignature", te.GenerateSignature)
	signed := v1.Group("", te.RequireSignature)
	signed.POST("/assignTest", te.Assign(false))
	signed.POST("/assignTestMultiCandidates", te.Assign(true))
	signed.POST("/deassignTest", te.Deassign)
}
