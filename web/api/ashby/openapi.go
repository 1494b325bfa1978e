package ashby

import _ "embed"

// Document is the dialect's OpenAPI 3.1 document as embedded (its server
// "/"): served by web, and checked against every answer by the tests.
//
//go:embed openapi.json
var Document []byte
