package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// audit records in the audit log every request by a console user or an
// API key that changes something (any method but GET and HEAD), and every
// view or export of candidates' answers (reports, PDFs, CSV exports, a
// candidate's data), whatever its outcome. Candidates' own requests are
// not in it; their invitation's timeline holds what they did.
//
// The entry is written after the request, in its own transaction: a crash
// between the two loses the entry, not the change.
func (s *Server) audit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		req := c.Request()
		route := c.Path()
		change := req.Method != http.MethodGet && req.Method != http.MethodHead
		if !change && !viewsAnswers(route) {
			return err
		}
		actor := auditActor(c, route)
		if actor == "" {
			return err
		}
		status := c.Response().Status
		if err != nil && !c.Response().Committed {
			status, _, _ = classify(err)
		}
		entry := store.AuditEntry{Actor: actor, Action: req.Method + " " + route, Record: auditRecord(c), Status: status, IP: c.RealIP()}
		if aerr := s.db.Audit(context.WithoutCancel(req.Context()), entry); aerr != nil {
			s.log.Error("audit log", "err", aerr, "actor", actor, "action", entry.Action)
		}
		return err
	}
}

// viewsAnswers reports whether a GET route shows or exports candidates'
// answers or data.
func viewsAnswers(route string) bool {
	return strings.Contains(route, "report") || strings.HasSuffix(route, ".csv") || strings.HasSuffix(route, "candidate-data.json")
}

// auditActor is who made the request: the signed-in user, the API key, a
// signed report link, or "" for a candidate or a stranger.
func auditActor(c echo.Context, route string) string {
	if u := currentUser(c); u != nil {
		return "user:" + u.Email
	}
	if a := apihttp.Actor(c); a != "api" {
		return a
	}
	if route == "/reports/:file" {
		return "report link"
	}
	return ""
}

// auditRecord names what a request touched from its route: the segment
// before its first parameter and the parameter's value ("invitations 42");
// "" for a list or a new record.
func auditRecord(c echo.Context) string {
	segments := strings.Split(strings.Trim(c.Path(), "/"), "/")
	for i, seg := range segments {
		if strings.HasPrefix(seg, ":") && i > 0 {
			return segments[i-1] + " " + c.Param(seg[1:])
		}
	}
	return ""
}
