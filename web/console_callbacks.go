package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
)

func (s *Server) listDeliveries(c echo.Context) error {
	v := views.DeliveriesView{}
	for _, st := range store.DeliveryStatuses {
		if c.QueryParam("status") == st {
			v.Status = st
		}
	}
	var err error
	if v.Deliveries, err = s.db.Deliveries(c.Request().Context(), store.DeliveryFilter{Status: v.Status, Teams: viewerTeams(c)}); err != nil {
		return err
	}
	return render(c, http.StatusOK, views.DeliveriesPage(s.page(c, "Callbacks", views.SectionCallbacks), v))
}

func (s *Server) showDelivery(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := s.db.Delivery(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.DeliveryPage(s.page(c, d.Event, views.SectionCallbacks), d))
}

func (s *Server) retryDelivery(c echo.Context) error {
	return s.changeState(c, s.db.RetryDelivery, "Only a failed or waiting callback can be retried.",
		"The callback will be sent again within moments.", "/deliveries/")
}

func (s *Server) webhooksPage(c echo.Context) error {
	secrets, err := s.secrets.Current(c.Request().Context())
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, http.StatusOK, views.WebhooksPage(s.page(c, "Callback signing", views.SectionWebhooks),
		views.WebhookView{Secrets: secrets, Fixed: s.secrets.IsFixed()}))
}

func (s *Server) rotateWebhookSecret(c echo.Context) error {
	if s.secrets.IsFixed() {
		return echo.NewHTTPError(http.StatusConflict, "The secret is set by --webhook-secret; change it there.")
	}
	if err := s.secrets.Rotate(c.Request().Context()); err != nil {
		return err
	}
	s.log.Info("webhook secret rotated", "by", currentUser(c).ID)
	return flashAndRedirect(c, "New secret made. The previous one keeps signing for 24 hours.", "/settings/webhooks")
}
