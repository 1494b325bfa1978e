package views

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The report is a tagged PDF (ISO 32000 14.7–14.8): its text is marked
// content grouped into structure elements — the title a heading H1, each
// part of the report H2, each question H3, the candidate's facts a table of
// rows (TR) with a header cell (TH) and a data cell (TD), every other line
// a paragraph P — in reading order, and the page footers are artifacts. Screen readers and
// text extraction follow the structure; preflight tools find the document
// tagged. The PDF writer knows nothing of structure, so the report marks its
// content while drawing it (structure), and the structure tree is added to
// the written file as an incremental update (tagStructure): the writer's
// bytes, offsets and cross-reference table stay as they are.

// structure is the report's logical structure as it is drawn.
type structure struct {
	elems      []structElem
	open       int     // the element being drawn, or -1
	marking    bool    // a marked-content sequence of it is open on the page
	parents    [][]int // per page, the element of each MCID in order
	containers []int   // the groups being drawn, innermost last
}

// structElem is one structure element: a group of elements (a table, a
// row) or the marked content it holds.
type structElem struct {
	role   string
	parent int // the group it is in, or -1: the document
	kids   []int
	parts  []markRef
}

// add makes a new element in the innermost open group.
func (s *structure) add(role string) int {
	parent := -1
	if n := len(s.containers); n > 0 {
		parent = s.containers[n-1]
	}
	s.elems = append(s.elems, structElem{role: role, parent: parent})
	i := len(s.elems) - 1
	if parent >= 0 {
		s.elems[parent].kids = append(s.elems[parent].kids, i)
	}
	return i
}

// group draws content as a group of the elements drawn in it (a table, a
// row).
func (p reportWriter) group(role string, draw func()) {
	s := p.st.tags
	s.containers = append(s.containers, s.add(role))
	draw()
	s.containers = s.containers[:len(s.containers)-1]
}

// markRef is a marked-content sequence: a page and its MCID there.
type markRef struct{ page, mcid int }

func newStructure() *structure { return &structure{open: -1} }

// tagged draws content as one structure element of a role; content drawn
// inside another element's belongs to that one.
func (p reportWriter) tagged(role string, draw func()) {
	s := p.st.tags
	if s.open >= 0 || p.st.artifact {
		draw()
		return
	}
	s.open = s.add(role)
	p.mark()
	draw()
	if s.marking {
		p.RawWriteStr("EMC")
	}
	s.open, s.marking = -1, false
}

// mark opens a marked-content sequence of the open element on this page.
func (p reportWriter) mark() {
	s := p.st.tags
	page := p.PageNo() - 1
	for len(s.parents) <= page {
		s.parents = append(s.parents, nil)
	}
	mcid := len(s.parents[page])
	s.parents[page] = append(s.parents[page], s.open)
	e := &s.elems[s.open]
	e.parts = append(e.parts, markRef{page: page, mcid: mcid})
	p.RawWriteStr("/" + e.role + " <</MCID " + strconv.Itoa(mcid) + ">> BDC")
	s.marking = true
}

// pageBreaking closes the open sequence before the page ends (marked
// content never spans pages); pageBegun opens its next part on the new page.
func (p reportWriter) pageBreaking() bool {
	if s := p.st.tags; s.marking {
		p.RawWriteStr("EMC")
		s.marking = false
	}
	return true
}

func (p reportWriter) pageBegun() {
	if s := p.st.tags; s.open >= 0 && !s.marking {
		p.mark()
	}
}

// artifact draws content that is not part of the document's text (a page
// footer).
func (p reportWriter) artifact(draw func()) {
	p.RawWriteStr("/Artifact <</Type /Pagination /Subtype /Footer>> BDC")
	p.st.artifact = true
	draw()
	p.st.artifact = false
	p.RawWriteStr("EMC")
}

var (
	pdfRoot      = regexp.MustCompile(`/Root (\d+) 0 R`)
	pdfInfo      = regexp.MustCompile(`/Info (\d+) 0 R`)
	pdfStartXref = regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n?$`)
	pdfSize      = regexp.MustCompile(`/Size (\d+)`)
	pdfKids      = regexp.MustCompile(`1 0 obj\n<</Type /Pages\n/Kids \[([0-9 R]*)\]`)
	pdfRef       = regexp.MustCompile(`(\d+) 0 R`)
)

// errUntaggable is a file the writer did not lay out as expected.
var errUntaggable = errors.New("views: the report PDF is not laid out as expected, it cannot be tagged")

// tagStructure appends the structure tree to the written PDF: new versions
// of the catalog (marked, with the tree, its reading order shown by the
// title) and of each page (its parent-tree key, tab order by structure),
// the tree's elements and the parent tree, with their cross-reference
// section.
func tagStructure(pdf []byte, s *structure) ([]byte, error) {
	tail := pdf[max(0, len(pdf)-200):]
	root, info, prev, size := pdfRoot.FindSubmatch(tail), pdfInfo.FindSubmatch(tail), pdfStartXref.FindSubmatch(tail), pdfSize.FindSubmatch(tail)
	kids := pdfKids.FindSubmatch(pdf)
	if root == nil || info == nil || prev == nil || size == nil || kids == nil {
		return nil, errUntaggable
	}
	var pages []int
	for _, ref := range pdfRef.FindAllSubmatch(kids[1], -1) {
		n, _ := strconv.Atoi(string(ref[1]))
		pages = append(pages, n)
	}
	next, _ := strconv.Atoi(string(size[1]))
	rootNum, _ := strconv.Atoi(string(root[1]))
	xrefAt, _ := strconv.Atoi(string(prev[1]))
	treeRoot, document, parentTree := next, next+1, next+2
	firstElem := next + 3
	objects := map[int]string{}

	catalog, err := objectDict(pdf, xrefAt, rootNum)
	if err != nil {
		return nil, err
	}
	objects[rootNum] = strings.Replace(catalog, "/Type /Catalog\n", fmt.Sprintf("/Type /Catalog\n/Version /1.4\n/MarkInfo << /Marked true >>\n"+
		"/StructTreeRoot %d 0 R\n/ViewerPreferences << /DisplayDocTitle true >>\n", treeRoot), 1)
	for i, num := range pages {
		page, err := objectDict(pdf, xrefAt, num)
		if err != nil {
			return nil, err
		}
		objects[num] = strings.Replace(page, "<</Type /Page\n", fmt.Sprintf("<</Type /Page\n/StructParents %d\n/Tabs /S\n", i), 1)
	}
	var kidsOfDocument []string
	for i, e := range s.elems {
		var k []string
		for _, kid := range e.kids {
			k = append(k, fmt.Sprintf("%d 0 R", firstElem+kid))
		}
		for _, part := range e.parts {
			k = append(k, fmt.Sprintf("<< /Type /MCR /Pg %d 0 R /MCID %d >>", pages[part.page], part.mcid))
		}
		parent := document
		if e.parent >= 0 {
			parent = firstElem + e.parent
		} else {
			kidsOfDocument = append(kidsOfDocument, fmt.Sprintf("%d 0 R", firstElem+i))
		}
		attrs := ""
		if e.role == "TH" {
			attrs = " /A << /O /Table /Scope /Row >>"
		}
		objects[firstElem+i] = fmt.Sprintf("<< /Type /StructElem /S /%s /P %d 0 R%s /K [%s] >>", e.role, parent, attrs, strings.Join(k, " "))
	}
	objects[treeRoot] = fmt.Sprintf("<< /Type /StructTreeRoot /K %d 0 R /ParentTree %d 0 R /ParentTreeNextKey %d >>", document, parentTree, len(pages))
	objects[document] = fmt.Sprintf("<< /Type /StructElem /S /Document /P %d 0 R /K [%s] >>", treeRoot, strings.Join(kidsOfDocument, " "))
	var nums []string
	for page, elems := range s.parents {
		refs := make([]string, len(elems))
		for mcid, e := range elems {
			refs[mcid] = fmt.Sprintf("%d 0 R", firstElem+e)
		}
		nums = append(nums, fmt.Sprintf("%d [%s]", page, strings.Join(refs, " ")))
	}
	objects[parentTree] = fmt.Sprintf("<< /Nums [%s] >>", strings.Join(nums, " "))

	// The update: the objects, then their cross-reference section, by
	// runs of consecutive numbers.
	var out bytes.Buffer
	out.Write(pdf)
	if !bytes.HasSuffix(pdf, []byte("\n")) {
		out.WriteByte('\n')
	}
	offsets := map[int]int{}
	last := firstElem + len(s.elems) - 1
	for num := 0; num <= last; num++ {
		dict, ok := objects[num]
		if !ok {
			continue
		}
		offsets[num] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", num, dict)
	}
	xref := out.Len()
	out.WriteString("xref\n")
	for num := 0; num <= last; {
		if _, ok := offsets[num]; !ok {
			num++
			continue
		}
		run := num
		for _, ok := offsets[run]; ok; _, ok = offsets[run] {
			run++
		}
		fmt.Fprintf(&out, "%d %d\n", num, run-num)
		for ; num < run; num++ {
			fmt.Fprintf(&out, "%010d 00000 n \n", offsets[num])
		}
	}
	fmt.Fprintf(&out, "trailer\n<<\n/Size %d\n/Root %d 0 R\n/Info %s 0 R\n/Prev %s\n>>\nstartxref\n%d\n%%%%EOF\n",
		max(last+1, next), rootNum, info[1], prev[1], xref)
	return out.Bytes(), nil
}

// objectDict is the dictionary of an object the writer wrote, found by
// its cross-reference entry (xref is where the writer's table begins).
func objectDict(pdf []byte, xref, num int) (string, error) {
	if xref < 0 || xref >= len(pdf) || !bytes.HasPrefix(pdf[xref:], []byte("xref\n0 ")) {
		return "", errUntaggable
	}
	table := pdf[xref+len("xref\n"):]
	nl := bytes.IndexByte(table, '\n')
	entry := nl + 1 + num*20 // each entry is 20 bytes
	if nl < 0 || entry+10 > len(table) {
		return "", errUntaggable
	}
	at, err := strconv.Atoi(string(table[entry : entry+10]))
	head := []byte(strconv.Itoa(num) + " 0 obj\n")
	if err != nil || at < 0 || at >= len(pdf) || !bytes.HasPrefix(pdf[at:], head) {
		return "", errUntaggable
	}
	body := pdf[at+len(head):]
	end := bytes.Index(body, []byte("\nendobj"))
	if end < 0 || !bytes.HasPrefix(body, []byte("<<")) {
		return "", errUntaggable
	}
	return string(body[:end]), nil
}
