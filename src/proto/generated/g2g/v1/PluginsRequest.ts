// Original file: proto/g2g/v1/admin.proto


export interface PluginsRequest {
}

export interface PluginsRequest__Output {
}
