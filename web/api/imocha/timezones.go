package imocha

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// iMocha names time zones by number ("timeZoneId" on invites, reattempts
// and test links) and lists them with its "List timezones" call. The
// numbers of iMocha's own list are not in its public pages, so Testgate
// lists the Windows time zones its clients know by their display names,
// west to east, numbered from 1, each with the IANA zone that keeps its
// clock. The access window's times are UTC whatever the zone (as the
// invite pages say), so a client's own number is taken as it is.

type timeZone struct {
	ID          int    `json:"timeZoneId"`
	Name        string `json:"timeZoneName"`
	DisplayName string `json:"displayName"`
	IANA        string `json:"ianaTimeZone"` // Testgate's: the zone's clock
}

var timeZones = []timeZone{
	{1, "Dateline Standard Time", "(UTC-12:00) International Date Line West", "Etc/GMT+12"},
	{2, "Hawaiian Standard Time", "(UTC-10:00) Hawaii", "Pacific/Honolulu"},
	{3, "Alaskan Standard Time", "(UTC-09:00) Alaska", "America/Anchorage"},
	{4, "Pacific Standard Time", "(UTC-08:00) Pacific Time (US & Canada)", "America/Los_Angeles"},
	{5, "US Mountain Standard Time", "(UTC-07:00) Arizona", "America/Phoenix"},
	{6, "Mountain Standard Time", "(UTC-07:00) Mountain Time (US & Canada)", "America/Denver"},
	{7, "Central Standard Time", "(UTC-06:00) Central Time (US & Canada)", "America/Chicago"},
	{8, "Central Standard Time (Mexico)", "(UTC-06:00) Guadalajara, Mexico City, Monterrey", "America/Mexico_City"},
	{9, "Eastern Standard Time", "(UTC-05:00) Eastern Time (US & Canada)", "America/New_York"},
	{10, "SA Pacific Standard Time", "(UTC-05:00) Bogota, Lima, Quito, Rio Branco", "America/Bogota"},
	{11, "Atlantic Standard Time", "(UTC-04:00) Atlantic Time (Canada)", "America/Halifax"},
	{12, "Newfoundland Standard Time", "(UTC-03:30) Newfoundland", "America/St_Johns"},
	{13, "E. South America Standard Time", "(UTC-03:00) Brasilia", "America/Sao_Paulo"},
	{14, "Argentina Standard Time", "(UTC-03:00) City of Buenos Aires", "America/Argentina/Buenos_Aires"},
	{15, "UTC", "(UTC) Coordinated Universal Time", "UTC"},
	{16, "GMT Standard Time", "(UTC+00:00) Dublin, Edinburgh, Lisbon, London", "Europe/London"},
	{17, "Morocco Standard Time", "(UTC+01:00) Casablanca", "Africa/Casablanca"},
	{18, "W. Europe Standard Time", "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "Europe/Berlin"},
	{19, "Romance Standard Time", "(UTC+01:00) Brussels, Copenhagen, Madrid, Paris", "Europe/Paris"},
	{20, "Central European Standard Time", "(UTC+01:00) Sarajevo, Skopje, Warsaw, Zagreb", "Europe/Warsaw"},
	{21, "W. Central Africa Standard Time", "(UTC+01:00) West Central Africa", "Africa/Lagos"},
	{22, "GTB Standard Time", "(UTC+02:00) Athens, Bucharest", "Europe/Bucharest"},
	{23, "Egypt Standard Time", "(UTC+02:00) Cairo", "Africa/Cairo"},
	{24, "South Africa Standard Time", "(UTC+02:00) Harare, Pretoria", "Africa/Johannesburg"},
	{25, "FLE Standard Time", "(UTC+02:00) Helsinki, Kyiv, Riga, Sofia, Tallinn, Vilnius", "Europe/Kiev"},
	{26, "Israel Standard Time", "(UTC+02:00) Jerusalem", "Asia/Jerusalem"},
	{27, "Turkey Standard Time", "(UTC+03:00) Istanbul", "Europe/Istanbul"},
	{28, "Arab Standard Time", "(UTC+03:00) Kuwait, Riyadh", "Asia/Riyadh"},
	{29, "Russian Standard Time", "(UTC+03:00) Moscow, St. Petersburg", "Europe/Moscow"},
	{30, "E. Africa Standard Time", "(UTC+03:00) Nairobi", "Africa/Nairobi"},
	{31, "Iran Standard Time", "(UTC+03:30) Tehran", "Asia/Tehran"},
	{32, "Arabian Standard Time", "(UTC+04:00) Abu Dhabi, Muscat", "Asia/Dubai"},
	{33, "Afghanistan Standard Time", "(UTC+04:30) Kabul", "Asia/Kabul"},
	{34, "Pakistan Standard Time", "(UTC+05:00) Islamabad, Karachi", "Asia/Karachi"},
	{35, "India Standard Time", "(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi", "Asia/Kolkata"},
	{36, "Sri Lanka Standard Time", "(UTC+05:30) Sri Jayawardenepura", "Asia/Colombo"},
	{37, "Nepal Standard Time", "(UTC+05:45) Kathmandu", "Asia/Kathmandu"},
	{38, "Bangladesh Standard Time", "(UTC+06:00) Dhaka", "Asia/Dhaka"},
	{39, "SE Asia Standard Time", "(UTC+07:00) Bangkok, Hanoi, Jakarta", "Asia/Bangkok"},
	{40, "China Standard Time", "(UTC+08:00) Beijing, Chongqing, Hong Kong, Urumqi", "Asia/Shanghai"},
	{41, "Singapore Standard Time", "(UTC+08:00) Kuala Lumpur, Singapore", "Asia/Singapore"},
	{42, "W. Australia Standard Time", "(UTC+08:00) Perth", "Australia/Perth"},
	{43, "Tokyo Standard Time", "(UTC+09:00) Osaka, Sapporo, Tokyo", "Asia/Tokyo"},
	{44, "Korea Standard Time", "(UTC+09:00) Seoul", "Asia/Seoul"},
	{45, "AUS Central Standard Time", "(UTC+09:30) Darwin", "Australia/Darwin"},
	{46, "AUS Eastern Standard Time", "(UTC+10:00) Canberra, Melbourne, Sydney", "Australia/Sydney"},
	{47, "New Zealand Standard Time", "(UTC+12:00) Auckland, Wellington", "Pacific/Auckland"},
}

// TimeZones: GET /v3/timezones, iMocha's "List timezones".
func (h *Handler) TimeZones(c echo.Context) error {
	return c.JSON(http.StatusOK, struct {
		TimeZones []timeZone `json:"timeZones"`
	}{timeZones})
}
