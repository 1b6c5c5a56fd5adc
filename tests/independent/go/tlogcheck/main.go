// Command tlogcheck is an independent client of a C2SP tiled transparency
// log (c2sp.org/tlog-tiles), written for coop-ledger's tests from the C2SP
// specs tlog-tiles, tlog-checkpoint and signed-note, on top of Go's own
// checksum-database packages golang.org/x/mod/sumdb/note (signed notes)
// and golang.org/x/mod/sumdb/tlog (RFC 6962 trees, tiles and proofs). It
// shares no code with coop-ledger and does not know which server it reads.
//
//	tlogcheck PREFIX VKEY [-old CHECKPOINT_FILE]
//
// PREFIX is the log's URL prefix (e.g. http://127.0.0.1:8080/tlog, or a
// static copy), VKEY its signed-note verifier key. It fetches
// PREFIX/checkpoint and verifies it with note.Open; reads hash tiles
// through tlog.TileHashReader (which authenticates every tile against the
// checkpoint) and checks tlog.TreeHash against the checkpoint's root;
// fetches every entry bundle, full and partial, and checks each entry's
// tlog.RecordHash against the authenticated level-0 hash at its index and
// proves its inclusion (tlog.ProveRecord, tlog.CheckRecord); with -old,
// verifies an older checkpoint and the consistency proof from it to the
// current one (tlog.ProveTree, tlog.CheckTree).
//
// Exit 0: everything verified, with a summary on stdout; 1: a check
// failed (the reason on stderr); 2: bad usage.
package main

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// tlog-tiles fixes the tile height at 8.
const height = 8

// checkpoint is a verified tlog-checkpoint note's body.
type checkpoint struct {
	origin string
	tree   tlog.Tree
}

// parseCheckpoint verifies a signed note with the log's key and parses its
// text as tlog-checkpoint specifies: origin, decimal size without leading
// zeroes, base64 root hash, then optional non-empty extension lines.
func parseCheckpoint(msg []byte, verifier note.Verifier) (checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return checkpoint{}, fmt.Errorf("checkpoint signature: %w", err)
	}
	lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
	if len(lines) < 3 || lines[0] == "" {
		return checkpoint{}, errors.New("checkpoint text has fewer than three lines")
	}
	for _, l := range lines[3:] {
		if l == "" {
			return checkpoint{}, errors.New("empty extension line")
		}
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return checkpoint{}, fmt.Errorf("bad tree size line %q", lines[1])
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		return checkpoint{}, fmt.Errorf("bad root hash line %q", lines[2])
	}
	var h tlog.Hash
	copy(h[:], root)
	return checkpoint{origin: lines[0], tree: tlog.Tree{N: size, Hash: h}}, nil
}

// c2spPath maps Go's tile path, tile/<H>/<L>/<N>[.p/<W>] with the height
// in it and "data" for record tiles, to the tlog-tiles one:
// tile/<L>/<N>[.p/<W>] and tile/entries/<N>[.p/<W>].
func c2spPath(t tlog.Tile) (string, error) {
	if t.H != height {
		return "", fmt.Errorf("tile height %d, tlog-tiles has %d", t.H, height)
	}
	rest := strings.TrimPrefix(t.Path(), fmt.Sprintf("tile/%d/", height))
	if strings.HasPrefix(rest, "data/") {
		return "tile/entries/" + strings.TrimPrefix(rest, "data/"), nil
	}
	return "tile/" + rest, nil
}

// fetcher reads the log's resources over HTTP and implements
// tlog.TileReader. Tiles are cached only once tlog.TileHashReader has
// authenticated them (SaveTiles), as the TileReader contract asks.
type fetcher struct {
	prefix  string
	client  *http.Client
	mu      sync.Mutex
	saved   map[tlog.Tile][]byte
	fetches int
}

func (f *fetcher) get(path string) ([]byte, error) {
	f.mu.Lock()
	f.fetches++
	f.mu.Unlock()
	resp, err := f.client.Get(f.prefix + "/" + path)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return body, nil
}

func (f *fetcher) Height() int { return height }

func (f *fetcher) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		f.mu.Lock()
		data, ok := f.saved[t]
		f.mu.Unlock()
		if ok {
			out[i] = data
			continue
		}
		path, err := c2spPath(t)
		if err != nil {
			return nil, err
		}
		data, err = f.get(path)
		if err != nil {
			return nil, err
		}
		if len(data) != t.W*tlog.HashSize {
			return nil, fmt.Errorf("%s has %d bytes, not %d", path, len(data), t.W*tlog.HashSize)
		}
		out[i] = data
	}
	return out, nil
}

func (f *fetcher) SaveTiles(tiles []tlog.Tile, data [][]byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, t := range tiles {
		f.saved[t] = data[i]
	}
}

// unbundle splits an entry bundle: each entry after its length as a
// big-endian uint16 (tlog-tiles "Log entries").
func unbundle(b []byte) ([][]byte, error) {
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 2 {
			return nil, errors.New("entry bundle ends inside a length")
		}
		n := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+n {
			return nil, errors.New("entry bundle ends inside an entry")
		}
		out = append(out, b[2:2+n])
		b = b[2+n:]
	}
	return out, nil
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "tlogcheck: FAIL: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	old := flag.String("old", "", "an older checkpoint note of the same log, to check consistency from")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: tlogcheck PREFIX VKEY [-old CHECKPOINT_FILE]")
	}
	// Flags may follow the two positional arguments.
	args := os.Args[1:]
	var pos []string
	for len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		pos = append(pos, args[0])
		args = args[1:]
	}
	if err := flag.CommandLine.Parse(args); err != nil {
		os.Exit(2)
	}
	pos = append(pos, flag.Args()...)
	if len(pos) != 2 {
		flag.Usage()
		os.Exit(2)
	}
	prefix, vkey := strings.TrimSuffix(pos[0], "/"), pos[1]
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		fmt.Fprintf(os.Stderr, "tlogcheck: bad verifier key: %v\n", err)
		os.Exit(2)
	}
	f := &fetcher{
		prefix: prefix,
		client: &http.Client{Timeout: 30 * time.Second},
		saved:  map[tlog.Tile][]byte{},
	}

	msg, err := f.get("checkpoint")
	if err != nil {
		fail("checkpoint: %v", err)
	}
	cp, err := parseCheckpoint(msg, verifier)
	if err != nil {
		fail("%v", err)
	}
	n, root := cp.tree.N, cp.tree.Hash
	fmt.Printf("checkpoint: origin %s, size %d, root %s, signed by %s\n", cp.origin, n, root, verifier.Name())

	thr := tlog.TileHashReader(cp.tree, f)
	got, err := tlog.TreeHash(n, thr)
	if err != nil {
		fail("tree hash from tiles: %v", err)
	}
	if got != root {
		fail("the tiles give root %s, the checkpoint says %s", got, root)
	}
	fmt.Printf("root: the hash tiles give the checkpoint's root\n")

	// Every entry bundle, full and partial, against the level-0 hashes.
	var checked int64
	for start := int64(0); start < n; start += 1 << height {
		w := n - start
		if w > 1<<height {
			w = 1 << height
		}
		t := tlog.Tile{H: height, L: -1, N: start >> height, W: int(w)}
		path, err := c2spPath(t)
		if err != nil {
			fail("%v", err)
		}
		bundle, err := f.get(path)
		if err != nil {
			fail("entry bundle: %v", err)
		}
		entries, err := unbundle(bundle)
		if err != nil {
			fail("%s: %v", path, err)
		}
		if int64(len(entries)) != w {
			fail("%s holds %d entries, not %d", path, len(entries), w)
		}
		indexes := make([]int64, w)
		for i := range indexes {
			indexes[i] = tlog.StoredHashIndex(0, start+int64(i))
		}
		hashes, err := thr.ReadHashes(indexes)
		if err != nil {
			fail("level-0 hashes of %s: %v", path, err)
		}
		for i, e := range entries {
			idx := start + int64(i)
			rh := tlog.RecordHash(e)
			if rh != hashes[i] {
				fail("entry %d of %s hashes to %s, the level-0 tile holds %s", idx, path, rh, hashes[i])
			}
			proof, err := tlog.ProveRecord(n, idx, thr)
			if err != nil {
				fail("inclusion proof of %d: %v", idx, err)
			}
			if err := tlog.CheckRecord(proof, n, root, idx, rh); err != nil {
				fail("inclusion of record %d: %v", idx, err)
			}
			checked++
		}
	}
	fmt.Printf("entries: %d entries in %d bundles match the level-0 hashes and are included\n", checked, (n+(1<<height)-1)>>height)

	if *old != "" {
		oldMsg, err := os.ReadFile(*old)
		if err != nil {
			fail("old checkpoint: %v", err)
		}
		oc, err := parseCheckpoint(oldMsg, verifier)
		if err != nil {
			fail("old %v", err)
		}
		if oc.origin != cp.origin {
			fail("the old checkpoint is of origin %q, not %q", oc.origin, cp.origin)
		}
		if oc.tree.N > n {
			fail("the old checkpoint (size %d) is larger than the current one (%d)", oc.tree.N, n)
		}
		proof, err := tlog.ProveTree(n, oc.tree.N, thr)
		if err != nil {
			fail("consistency proof: %v", err)
		}
		if err := tlog.CheckTree(proof, n, root, oc.tree.N, oc.tree.Hash); err != nil {
			fail("the tree of %d is not consistent with the old checkpoint of %d: %v", n, oc.tree.N, err)
		}
		fmt.Printf("consistency: the tree of %d extends the old checkpoint of %d (%d proof hashes)\n", n, oc.tree.N, len(proof))
	}
	fmt.Printf("ok: %d HTTP requests\n", f.fetches)
}
