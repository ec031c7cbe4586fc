// Generates tests/fixtures/gob/*.hex: gob streams written by Go's own encoding/gob, for the unit tests of our
// codec (tests/unit/test_gob.cpp). Standard library only. Run from the repository root:
//
//	GOTOOLCHAIN=local GOFLAGS=-mod=mod GOPROXY=off go run tests/gob/gen_fixtures.go tests/fixtures/gob
//
// Type ids in a gob stream are process-wide in Go: the client stream below is written first, so that its
// user types get ids 65, 66, ... in first-use order, as our encoder numbers them.
package main

import (
	"bytes"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
)

// The shapes of docker-machine's RPC messages (net/rpc's Request/Response, libmachine's RPCFlags and mcnflag).
type Request struct {
	ServiceMethod string
	Seq           uint64
}

type Response struct {
	ServiceMethod string
	Seq           uint64
	Error         string
}

type DriverOptions interface {
	String(key string) string
}

type RPCFlags struct {
	Values map[string]interface{}
}

func (r RPCFlags) String(key string) string { s, _ := r.Values[key].(string); return s }

type Flag interface {
	String() string
}

type StringFlag struct {
	Name   string
	Usage  string
	EnvVar string
	Value  string
}
type IntFlag struct {
	Name   string
	Usage  string
	EnvVar string
	Value  int
}
type StringSliceFlag struct {
	Name   string
	Usage  string
	EnvVar string
	Value  []string
}
type BoolFlag struct {
	Name   string
	Usage  string
	EnvVar string
}

func (f StringFlag) String() string      { return f.Name }
func (f IntFlag) String() string         { return f.Name }
func (f StringSliceFlag) String() string { return f.Name }
func (f BoolFlag) String() string        { return f.Name }

// Odds and ends the generic decoder must still understand.
type Inner struct {
	A int
	B string
}
type Misc struct {
	F     float64
	U     uint
	Neg   int
	Ok    bool
	In    Inner
	Ints  []int
	Count map[string]int
	Arr   [3]uint8
	Any   interface{}
	Skip  string
	Cplx  complex128
}

func main() {
	gob.RegisterName("*rpcdriver.RPCFlags", new(RPCFlags))
	gob.RegisterName("*mcnflag.StringFlag", new(StringFlag))
	gob.RegisterName("*mcnflag.IntFlag", new(IntFlag))
	gob.RegisterName("*mcnflag.StringSliceFlag", new(StringSliceFlag))
	gob.RegisterName("*mcnflag.BoolFlag", new(BoolFlag))
	gob.Register(Inner{})
	dir := os.Args[1]

	// Client -> plugin: one connection's requests, in the order a session makes them.
	var client bytes.Buffer
	enc := gob.NewEncoder(&client)
	seq := uint64(0)
	call := func(method string, arg interface{}) {
		must(enc.Encode(Request{"RPCServerDriver." + method, seq}))
		must(enc.Encode(arg))
		seq++
	}
	opts := func(values map[string]interface{}) interface{} {
		var o DriverOptions = RPCFlags{values}
		return &o
	}
	call("GetVersion", struct{}{})
	call("SetConfigRaw", []byte(`{"MachineName":"m1","StorePath":"/s"}`))
	call("GetMachineName", struct{}{})
	call("SetConfigFromFlags", opts(map[string]interface{}{"plug-ip": "10.0.0.1"}))
	call("SetConfigFromFlags", opts(map[string]interface{}{"plug-count": 42}))
	call("SetConfigFromFlags", opts(map[string]interface{}{"plug-tags": []string{"a", "b"}}))
	call("SetConfigFromFlags", opts(map[string]interface{}{"plug-on": true}))
	call("SetConfigFromFlags", opts(map[string]interface{}{"plug-off": false}))
	call("SetConfigFromFlags", opts(map[string]interface{}{"plug-none": []string{}}))
	call("SetConfigFromFlags", opts(map[string]interface{}{"n": -7}))
	call("SetConfigFromFlags", opts(map[string]interface{}{"big": 1 << 40}))
	call("SetConfigFromFlags", opts(map[string]interface{}{}))
	seq = 300
	call("Heartbeat", struct{}{})
	write(dir, "client_session", client.Bytes())

	// Plugin -> client: responses and replies as net/rpc's server codec writes them.
	var server bytes.Buffer
	senc := gob.NewEncoder(&server)
	reply := func(method string, s uint64, errText string, body interface{}) {
		must(senc.Encode(Response{"RPCServerDriver." + method, s, errText}))
		must(senc.Encode(body))
	}
	reply("GetVersion", 0, "", 1)
	reply("SetConfigRaw", 1, "", struct{}{})
	reply("GetURL", 2, "", "tcp://1.2.3.4:2376")
	reply("GetState", 3, "", 4)
	reply("GetConfigRaw", 4, "", []byte(`{"IPAddress":"1.2.3.4"}`))
	var flags []Flag = []Flag{
		StringFlag{Name: "plug-ip", Usage: "IP address", EnvVar: "PLUG_IP", Value: "10.0.0.1"},
		IntFlag{Name: "plug-count", Usage: "How many", Value: 3},
		StringSliceFlag{Name: "plug-tags", Usage: "Tags", EnvVar: "PLUG_TAGS", Value: []string{"x", "y"}},
		BoolFlag{Name: "plug-on", Usage: "Switch"},
		StringFlag{Name: "plug-empty"},
	}
	reply("GetCreateFlags", 5, "", &flags)
	reply("Create", 6, "boom: it failed", struct{}{})
	reply("GetSSHPort", 1<<40, "", -2222)
	reply("Nope", 8, "rpc: can't find method RPCServerDriver.Nope", struct{}{})
	reply("GetCreateFlags", 9, "", &flags)
	write(dir, "server_session", server.Bytes())

	var misc bytes.Buffer
	menc := gob.NewEncoder(&misc)
	must(menc.Encode(Misc{F: 1.5, U: 300, Neg: -1, Ok: true, In: Inner{A: 7, B: "in"}, Ints: []int{1, -2, 1000},
		Count: map[string]int{"k": 5}, Arr: [3]uint8{1, 2, 3}, Any: Inner{A: 1, B: "any"}, Cplx: complex(1, -2)}))
	must(menc.Encode(3.25))
	must(menc.Encode("tail"))
	write(dir, "misc", misc.Bytes())
}

func write(dir, name string, data []byte) {
	path := filepath.Join(dir, name+".hex")
	text := hex.EncodeToString(data) + "\n"
	must(os.WriteFile(path, []byte(text), 0o644))
	fmt.Println(path, len(data), "bytes")
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}
