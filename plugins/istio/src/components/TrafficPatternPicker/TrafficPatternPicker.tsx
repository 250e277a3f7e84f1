import { parseEntityRef } from '@backstage/catalog-model';
import { useApiHolder } from '@backstage/core-plugin-api';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import FormLabel from '@material-ui/core/FormLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import Slider from '@material-ui/core/Slider';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  HeaderRoutingRule,
  KubeObject,
  StringMatchKind,
  TRAFFIC_PATTERN_TYPES,
  TrafficPattern,
  WeightedDestination,
} from '@meshportal/plugin-istio-common';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { useEffect, useMemo, useState } from 'react';
import { istioApiRef } from '../../api/IstioApi';
import { GeneratedPreview } from './GeneratedPreview';
import {
  PATTERN_LABELS,
  PatternTarget,
  defaultPattern,
  fitsVersions,
  isPattern,
  patternTarget,
  weightedRoutes,
  withRoutes,
} from './patternDraft';
import { rebalanceWeights } from './weights';

const useStyles = makeStyles(theme => ({
  section: { marginTop: theme.spacing(2) },
  sliderRow: {
    display: 'grid',
    gridTemplateColumns: 'minmax(6rem, auto) 1fr 4rem',
    alignItems: 'center',
    gap: theme.spacing(2),
  },
  fields: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    marginTop: theme.spacing(1),
  },
}));

function WeightSliders(props: {
  routes: WeightedDestination[];
  unit: string;
  onChange: (routes: WeightedDestination[]) => void;
  disabled?: boolean;
}) {
  const classes = useStyles();
  const { routes, unit } = props;
  const total = routes.reduce((sum, r) => sum + r.weight, 0);
  return (
    <FormControl component="fieldset" fullWidth className={classes.section}>
      <FormLabel component="legend">Share of {unit} per version</FormLabel>
      {routes.map((route, index) => {
        return (
          <div className={classes.sliderRow} key={route.subset}>
            <Typography variant="body2">{route.subset}</Typography>
            <Slider
              value={route.weight}
              min={0}
              max={100}
              step={1}
              disabled={props.disabled}
              aria-label={`Share of ${unit} to ${route.subset}`}
              getAriaValueText={v => `${v}%`}
              onChange={(_, value) => {
                const weights = rebalanceWeights(
                  routes.map(r => r.weight),
                  index,
                  value as number,
                );
                props.onChange(
                  routes.map((r, i) => ({ ...r, weight: weights[i] })),
                );
              }}
            />
            <Typography variant="body2" aria-hidden>
              {route.weight}%
            </Typography>
          </div>
        );
      })}
      <FormHelperText>
        Moving one slider shares the rest among the other versions; the total
        stays {total}%.
      </FormHelperText>
    </FormControl>
  );
}

function VersionSelect(props: {
  id: string;
  label: string;
  value: string;
  versions: string[];
  onChange: (value: string) => void;
  disabled?: boolean;
}) {
  return (
    <TextField
      select
      id={props.id}
      label={props.label}
      value={props.versions.includes(props.value) ? props.value : ''}
      onChange={e => props.onChange(e.target.value)}
      disabled={props.disabled}
      style={{ minWidth: '12rem' }}
    >
      {props.versions.map(v => (
        <MenuItem key={v} value={v}>
          {v}
        </MenuItem>
      ))}
    </TextField>
  );
}

function PatternFields(props: {
  id: string;
  pattern: TrafficPattern;
  versions: string[];
  onChange: (pattern: TrafficPattern) => void;
  disabled?: boolean;
}) {
  const classes = useStyles();
  const { id, pattern, versions, onChange, disabled } = props;
  const routes = weightedRoutes(pattern);
  if (routes) {
    return (
      <WeightSliders
        routes={routes}
        unit={pattern.type === 'tcp-shift' ? 'connections' : 'requests'}
        disabled={disabled}
        onChange={next => onChange(withRoutes(pattern, next))}
      />
    );
  }
  const other = (v: string) => versions.find(x => x !== v) ?? v;
  switch (pattern.type) {
    case 'blue-green':
      return (
        <div className={classes.fields}>
          <VersionSelect
            id={`${id}-active`}
            label="Version receiving all traffic"
            value={pattern.active}
            versions={versions}
            disabled={disabled}
            onChange={active =>
              onChange({ ...pattern, active, idle: other(active) })
            }
          />
          <Typography variant="body2">
            Idle, ready to switch back: {pattern.idle}
          </Typography>
        </div>
      );
    case 'header-routing': {
      const rule: HeaderRoutingRule = pattern.rules[0];
      const header = rule.headers?.[0] ?? {
        name: '',
        match: 'exact' as StringMatchKind,
        value: '',
      };
      const setRule = (next: Partial<HeaderRoutingRule>) =>
        onChange({
          ...pattern,
          rules: [{ ...rule, ...next }, ...pattern.rules.slice(1)],
        });
      const setHeader = (next: Partial<typeof header>) =>
        setRule({ headers: [{ ...header, ...next }] });
      return (
        <div className={classes.fields}>
          <TextField
            id={`${id}-header`}
            label="Header"
            value={header.name}
            disabled={disabled}
            onChange={e => setHeader({ name: e.target.value })}
          />
          <TextField
            select
            id={`${id}-match`}
            label="Match"
            value={header.match}
            disabled={disabled}
            onChange={e =>
              setHeader({ match: e.target.value as StringMatchKind })
            }
            style={{ minWidth: '8rem' }}
          >
            {(['exact', 'prefix', 'regex'] as const).map(m => (
              <MenuItem key={m} value={m}>
                {m}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            id={`${id}-value`}
            label="Value"
            value={header.value}
            disabled={disabled}
            onChange={e => setHeader({ value: e.target.value })}
          />
          <VersionSelect
            id={`${id}-rule-subset`}
            label="Matching requests go to"
            value={rule.subset}
            versions={versions}
            disabled={disabled}
            onChange={subset => setRule({ subset })}
          />
          <VersionSelect
            id={`${id}-default-subset`}
            label="Other requests go to"
            value={pattern.defaultSubset}
            versions={versions}
            disabled={disabled}
            onChange={defaultSubset => onChange({ ...pattern, defaultSubset })}
          />
        </div>
      );
    }
    case 'mirror':
      return (
        <>
          <div className={classes.fields}>
            <VersionSelect
              id={`${id}-subset`}
              label="Version that answers"
              value={pattern.subset}
              versions={versions}
              disabled={disabled}
              onChange={subset => onChange({ ...pattern, subset })}
            />
            <VersionSelect
              id={`${id}-mirror-subset`}
              label="Version receiving the copies"
              value={pattern.mirrorSubset}
              versions={versions}
              disabled={disabled}
              onChange={mirrorSubset => onChange({ ...pattern, mirrorSubset })}
            />
          </div>
          <FormControl fullWidth className={classes.section}>
            <FormLabel id={`${id}-percentage`}>
              Share of requests copied: {pattern.percentage}%
            </FormLabel>
            <Slider
              value={pattern.percentage}
              min={0}
              max={100}
              step={1}
              disabled={disabled}
              aria-labelledby={`${id}-percentage`}
              getAriaValueText={v => `${v}%`}
              onChange={(_, value) =>
                onChange({ ...pattern, percentage: value as number })
              }
            />
          </FormControl>
        </>
      );
    default:
      return null;
  }
}

/** Objects of the service's namespace the backend already knows, for the check. */
function useLiveContext(entityRef: unknown, target: PatternTarget) {
  const istioApi = useApiHolder().get(istioApiRef);
  const [context, setContext] = useState<KubeObject[]>([]);
  useEffect(() => {
    let ref: ReturnType<typeof parseEntityRef> | undefined;
    try {
      ref =
        typeof entityRef === 'string' ? parseEntityRef(entityRef) : undefined;
    } catch {
      ref = undefined;
    }
    if (!istioApi || !ref) {
      setContext([]);
      return undefined;
    }
    let current = true;
    istioApi
      .getEntityPosture(ref)
      .then(posture => {
        if (!current) return;
        const cluster = posture.clusters.find(c =>
          c.services.some(s => s.namespace === target.namespace),
        );
        const services: KubeObject[] = (cluster?.services ?? []).map(s => ({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: s.name, namespace: s.namespace },
          spec: { selector: s.selector, ports: s.ports },
        }));
        setContext([
          ...services,
          ...((cluster?.objects ?? []) as KubeObject[]),
        ]);
      })
      // Without the backend the preview still checks the generated objects.
      .catch(() => current && setContext([]));
    return () => {
      current = false;
    };
  }, [istioApi, entityRef, target.namespace]);
  return context;
}

/**
 * Scaffolder field `IstioTrafficPatternPicker`: chooses a traffic pattern
 * and its weights, and previews the generated YAML with the engine's
 * findings. Its value is the `pattern` input of `istio:traffic:generate`.
 */
export function TrafficPatternPicker(
  props: FieldExtensionComponentProps<TrafficPattern>,
) {
  const { formData, onChange, formContext, schema, disabled } = props;
  const allData = formContext?.formData;
  const target = useMemo(() => patternTarget(allData), [allData]);
  const { versions } = target;
  const enoughVersions = versions.length >= 2;
  const stale =
    !isPattern(formData) ||
    (enoughVersions && !fitsVersions(formData, versions));
  const versionsKey = versions.join(',');

  useEffect(() => {
    if (stale) {
      onChange(
        defaultPattern(
          isPattern(formData) ? formData.type : 'canary',
          versionsKey ? versionsKey.split(',') : [],
        ),
      );
    }
  }, [stale, versionsKey]); // eslint-disable-line react-hooks/exhaustive-deps

  const context = useLiveContext(allData?.entity, target);
  const pattern = isPattern(formData) ? formData : undefined;

  return (
    <FormControl
      component="fieldset"
      fullWidth
      required={props.required}
      error={!!props.rawErrors?.length}
    >
      <Typography variant="h6" component="h3">
        {schema?.title ?? 'Traffic pattern'}
      </Typography>
      {schema?.description && (
        <FormHelperText>{schema.description}</FormHelperText>
      )}
      {!enoughVersions && (
        <FormHelperText>
          Give a stable and a new version on the first step to route between
          them.
        </FormHelperText>
      )}
      <RadioGroup
        aria-label="Pattern"
        row
        value={pattern?.type ?? 'canary'}
        onChange={e =>
          onChange(
            defaultPattern(e.target.value as TrafficPattern['type'], versions),
          )
        }
      >
        {TRAFFIC_PATTERN_TYPES.map(type => (
          <FormControlLabel
            key={type}
            value={type}
            control={<Radio />}
            label={PATTERN_LABELS[type]}
            disabled={disabled}
          />
        ))}
      </RadioGroup>
      {pattern && (
        <>
          <PatternFields
            id={props.idSchema?.$id ?? 'pattern'}
            pattern={pattern}
            versions={versions}
            disabled={disabled}
            onChange={onChange}
          />
          <GeneratedPreview
            target={target}
            pattern={pattern}
            context={context}
          />
        </>
      )}
      {props.rawErrors?.map(e => (
        <FormHelperText key={e}>{e}</FormHelperText>
      ))}
    </FormControl>
  );
}
