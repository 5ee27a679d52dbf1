// A deck.gl layer that draws every point as one GL point (gl_PointSize, a round sprite), not as an instanced quad.
// One vertex per point instead of four instanced ones makes a million points about ten times cheaper where WebGL
// runs on the CPU (SwiftShader in headless browsers, machines without a GPU), and costs nothing on a GPU. Picking
// uses the vertex index, so hover and click work as in deck.gl's own layers.
import { Layer, picking, project32 } from "@deck.gl/core";
import type { DefaultProps, LayerProps, UpdateParameters } from "@deck.gl/core";
import { Model } from "@luma.gl/engine";

const uniformBlock = /* glsl */ `\
layout(std140) uniform pointsUniforms {
  float size;
} points;
`;

const pointsUniforms = {
  name: "points",
  vs: uniformBlock,
  fs: uniformBlock,
  uniformTypes: { size: "f32" },
} as const;

const vs = /* glsl */ `\
#version 300 es
#define SHADER_NAME layerscope-points-vertex-shader
in vec3 positions;
in vec3 positions64Low;
in vec4 colors;
out vec4 vColor;
void main(void) {
  geometry.worldPosition = positions;
  geometry.pickingColor = picking_getPickingColorFromIndex(float(gl_VertexID));
  gl_Position = project_position_to_clipspace(positions, positions64Low, vec3(0.0), geometry.position);
  DECKGL_FILTER_GL_POSITION(gl_Position, geometry);
  gl_PointSize = points.size;
  vColor = vec4(colors.rgb, colors.a * layer.opacity);
  DECKGL_FILTER_COLOR(vColor, geometry);
}
`;

const fs = /* glsl */ `\
#version 300 es
#define SHADER_NAME layerscope-points-fragment-shader
precision highp float;
in vec4 vColor;
out vec4 fragColor;
void main(void) {
  // How far inside the disc's rim this pixel is, in pixels: the outermost pixel fades out (an edge smoothed in
  // the shader, since the canvas has no multisampling), and a 1-pixel point, whose one pixel is its centre, stays
  // opaque.
  float inside = points.size * (0.5 - length(gl_PointCoord - 0.5));
  float coverage = clamp(inside + 0.5, 0.0, 1.0);
  if (coverage <= 0.0) discard;
  fragColor = vec4(vColor.rgb, vColor.a * coverage);
  DECKGL_FILTER_COLOR(fragColor, geometry);
}
`;

export interface PointsLayerProps extends LayerProps {
  /** Diameter of a point in CSS pixels. */
  pointSize?: number;
}

const defaultProps: DefaultProps<PointsLayerProps> = {
  pointSize: { type: "number", min: 0, value: 4 },
};

export class PointsLayer extends Layer<PointsLayerProps> {
  static layerName = "PointsLayer";
  static defaultProps = defaultProps;

  declare state: { model?: Model };

  getShaders() {
    return super.getShaders({ vs, fs, modules: [project32, picking, pointsUniforms] });
  }

  initializeState(): void {
    this.getAttributeManager()!.add({
      positions: { size: 3, type: "float64", fp64: this.use64bitPositions(), accessor: "getPosition" },
      colors: { size: 4, type: "unorm8", accessor: "getFillColor", defaultValue: [0, 0, 0, 255] },
    });
  }

  updateState(params: UpdateParameters<this>): void {
    super.updateState(params);
    if (params.changeFlags.extensionsChanged || !this.state.model) {
      this.state.model?.destroy();
      this.state.model = this.getModel();
      this.getAttributeManager()!.invalidateAll();
    }
  }

  draw(): void {
    const model = this.state.model;
    if (!model) return;
    const pixelRatio = this.context.device.canvasContext?.cssToDeviceRatio() ?? 1;
    model.shaderInputs.setProps({ points: { size: (this.props.pointSize ?? 4) * pixelRatio } });
    model.setVertexCount(this.getNumInstances());
    model.draw(this.context.renderPass);
  }

  private getModel(): Model {
    return new Model(this.context.device, {
      ...this.getShaders(),
      id: this.props.id,
      bufferLayout: this.getAttributeManager()!.getBufferLayouts(),
      topology: "point-list",
      isInstanced: false,
      vertexCount: 0,
    });
  }
}
