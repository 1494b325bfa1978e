package web

import (
	"context"
	"log/slog"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// requestLog writes one slog line per request. It logs the route pattern,
// and the path only where the path carries no secret (candidate tokens).
func (s *Server) requestLog() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogLatency: true, LogMethod: true, LogRoutePath: true, LogURIPath: true,
		LogRequestID: true, LogRemoteIP: true, LogResponseSize: true, HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			if !s.log.Enabled(context.Background(), level) {
				return nil // the busiest pages skip building a line nobody keeps
			}
			attrs := []slog.Attr{
				slog.String("method", v.Method),
				slog.String("route", v.RoutePath),
				slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency),
				slog.Int64("bytes", v.ResponseSize),
				slog.String("ip", v.RemoteIP),
				slog.String("request_id", v.RequestID),
			}
			if !strings.Contains(v.RoutePath, ":token") {
				attrs = append(attrs, slog.String("path", v.URIPath))
			}
			s.log.LogAttrs(context.Background(), level, "request", attrs...)
			return nil
		},
	})
}
