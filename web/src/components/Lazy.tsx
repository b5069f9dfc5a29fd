// Pages and parts of pages loaded the first time they are shown.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { RouteProps } from '../lib/router';
import { ErrorBox, Loading } from './ui';

// A page (a route's component) loaded the first time it is opened.
export function lazy(load: () => Promise<ComponentType<RouteProps>>): ComponentType<RouteProps> {
  return lazyPart<RouteProps>(load);
}

// A part of a page (any props) loaded the first time it is shown.
export function lazyPart<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  return function LazyPart(props: P) {
    const [component, setComponent] = useState<ComponentType<P> | null>(() => loaded);
    const [error, setError] = useState<unknown>(null);
    useEffect(() => {
      if (loaded) return;
      load().then((c) => {
        loaded = c;
        setComponent(() => c);
      }, setError);
    }, []);
    if (error) return <ErrorBox error={error} />;
    if (!component) return <Loading />;
    const Part = component;
    return <Part {...props} />;
  };
}
