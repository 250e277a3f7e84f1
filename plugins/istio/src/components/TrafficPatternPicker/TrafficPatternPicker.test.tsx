import { renderInTestApp } from '@backstage/frontend-test-utils';
import { TrafficPattern } from '@meshportal/plugin-istio-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { IstioApi, istioApiRef } from '../../api/IstioApi';
import { clusterPosture, mockIstioApi, posture } from '../../testing/fixtures';
import { TrafficPatternPicker } from './TrafficPatternPicker';
import { validateTrafficPatternField } from './patternValidation';

// The template's first step, as the scaffolder passes it in formContext.
const firstStep = {
  entity: 'component:default/reviews',
  namespace: 'bookinfo',
  stableVersion: 'v1',
  newVersion: 'v2',
};

let lastValue: TrafficPattern | undefined;

function Form() {
  const [value, setValue] = useState<TrafficPattern | undefined>();
  lastValue = value;
  return (
    <TrafficPatternPicker
      {...({} as any)}
      formData={value}
      onChange={(v: TrafficPattern) => setValue(v)}
      formContext={{ formData: { ...firstStep, pattern: value } }}
      schema={{ title: 'Traffic pattern', type: 'object' }}
      uiSchema={{}}
      rawErrors={[]}
      required
    />
  );
}

function renderPicker(api: IstioApi = mockIstioApi()) {
  return renderInTestApp(<Form />, { apis: [[istioApiRef, api]] });
}

const isBefore = (a: Element, b: Element) =>
  !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
const notConfirmedHeading = () =>
  screen.getByRole('heading', { name: /^Not confirmed here/ });

const yamlText = () => screen.getByLabelText('Generated YAML').textContent!;
const weightsInYaml = () =>
  [...yamlText().matchAll(/weight: (\d+)/g)].map(m => Number(m[1]));

describe('TrafficPatternPicker', () => {
  beforeEach(() => {
    lastValue = undefined;
  });

  it('starts with a 90/10 canary between the two versions and previews it', async () => {
    await renderPicker();
    await waitFor(() =>
      expect(lastValue).toEqual({
        type: 'canary',
        steps: [
          [
            { subset: 'v1', weight: 90 },
            { subset: 'v2', weight: 10 },
          ],
        ],
      }),
    );
    expect(yamlText()).toContain('kind: VirtualService');
    expect(yamlText()).toContain('host: reviews.bookinfo.svc.cluster.local');
    expect(weightsInYaml()).toEqual([90, 10]);
  });

  it('rebalances the other version when a slider moves, keeping 100 in total', async () => {
    await renderPicker();
    const v2 = await screen.findByRole('slider', {
      name: 'Share of requests to v2',
    });
    v2.focus();
    fireEvent.keyDown(v2, { key: 'ArrowRight' });
    fireEvent.keyDown(v2, { key: 'ArrowRight' });
    await waitFor(() => expect(weightsInYaml()).toEqual([88, 12]));
    expect(
      screen.getByRole('slider', { name: 'Share of requests to v1' }),
    ).toHaveAttribute('aria-valuenow', '88');
    expect(v2).toHaveAttribute('aria-valuenow', '12');
    expect(lastValue).toMatchObject({
      steps: [
        [
          { subset: 'v1', weight: 88 },
          { subset: 'v2', weight: 12 },
        ],
      ],
    });
    fireEvent.keyDown(
      screen.getByRole('slider', { name: 'Share of requests to v1' }),
      { key: 'End' },
    );
    await waitFor(() => expect(weightsInYaml()).toEqual([100, 0]));
  });

  it('updates the YAML when another pattern or field is chosen', async () => {
    await renderPicker();
    await screen.findByLabelText('Generated YAML');
    fireEvent.click(screen.getByLabelText('Header routing (dark launch)'));
    await waitFor(() => expect(yamlText()).toContain('x-canary'));
    expect(yamlText()).toContain('exact: "true"');
    fireEvent.change(screen.getByLabelText('Header'), {
      target: { value: 'x-beta-user' },
    });
    await waitFor(() => expect(yamlText()).toContain('x-beta-user'));
    expect(yamlText()).not.toContain('x-canary');

    fireEvent.click(screen.getByLabelText('TCP weighted shifting'));
    await waitFor(() => expect(yamlText()).toContain('tcp:'));
    expect(
      screen.getByRole('slider', { name: 'Share of connections to v2' }),
    ).toBeInTheDocument();
  });

  it('lists what must be fixed instead of YAML when the input is invalid', async () => {
    await renderPicker();
    await screen.findByLabelText('Generated YAML');
    fireEvent.click(screen.getByLabelText('Header routing (dark launch)'));
    fireEvent.change(await screen.findByLabelText('Value'), {
      target: { value: '(' },
    });
    fireEvent.mouseDown(screen.getByLabelText('Match'));
    fireEvent.click(within(screen.getByRole('listbox')).getByText('regex'));
    expect(
      await screen.findByText(/is not a valid regular expression/),
    ).toBeInTheDocument();
    expect(screen.queryByLabelText('Generated YAML')).not.toBeInTheDocument();
  });

  it('shows the Error finding the engine raises against the live objects', async () => {
    // The namespace already routes reviews with another VirtualService:
    // two VirtualServices for one host on the mesh gateway conflict.
    const existing = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews-legacy', namespace: 'bookinfo' },
      spec: {
        hosts: ['reviews.bookinfo.svc.cluster.local'],
        http: [
          {
            route: [
              { destination: { host: 'reviews.bookinfo.svc.cluster.local' } },
            ],
          },
        ],
      },
    };
    const api = mockIstioApi({
      getEntityPosture: jest.fn(async () =>
        posture([clusterPosture({ objects: [existing] })]),
      ),
    });
    await renderPicker(api);
    const conflict = (
      await screen.findAllByText(
        /IST0109 ConflictingMeshGatewayVirtualServiceHosts/,
      )
    )[0];
    expect(conflict).toHaveTextContent(/^Error/);
    // A confirmed finding: listed before what could not be confirmed (the
    // subsets' pods, which the backend does not send).
    expect(isBefore(conflict, notConfirmedHeading())).toBe(true);
    expect(api.getEntityPosture).toHaveBeenCalledWith({
      kind: 'component',
      namespace: 'default',
      name: 'reviews',
    });
    // The Service came from the backend, so its host is no longer "not found".
    expect(screen.queryByText(/IST0101/)).not.toBeInTheDocument();
  });

  it('says which Error findings could not be confirmed without the cluster', async () => {
    await renderPicker(
      mockIstioApi({
        getEntityPosture: jest.fn(async () =>
          Promise.reject(new Error('down')),
        ),
      }),
    );
    const missingHost = (
      await screen.findAllByText(/IST0101 ReferencedResourceNotFound/)
    )[0];
    expect(missingHost).toHaveTextContent(/^Error/);
    expect(isBefore(notConfirmedHeading(), missingHost)).toBe(true);
    expect(
      screen.getByText(/a referenced object .* was not among the objects/),
    ).toBeInTheDocument();
  });
});

describe('validateTrafficPatternField', () => {
  const check = (pattern: unknown) => {
    const errors: string[] = [];
    validateTrafficPatternField(
      pattern as TrafficPattern,
      { addError: (e: string) => errors.push(e) } as any,
      { formData: firstStep } as any,
    );
    return errors;
  };

  it('accepts a pattern the action accepts', () => {
    expect(
      check({
        type: 'mirror',
        subset: 'v1',
        mirrorSubset: 'v2',
        percentage: 50,
      }),
    ).toEqual([]);
  });

  it('stops the step when weights do not add up to 100 or no pattern is chosen', () => {
    expect(
      check({
        type: 'tcp-shift',
        routes: [
          { subset: 'v1', weight: 50 },
          { subset: 'v2', weight: 20 },
        ],
      }),
    ).toEqual([
      'pattern.routes: weights add up to 70; they must add up to 100',
    ]);
    expect(check({})).toEqual(['Choose a traffic pattern']);
  });
});
