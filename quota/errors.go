package quota

import "errors"

// errScriptReply is a Redis reply of the wrong shape.
var errScriptReply = errors.New("quota: unexpected reply from the Redis script")
