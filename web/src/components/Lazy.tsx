// A page loaded the first time it is opened.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { RouteProps } from '../lib/router';
import { ErrorBox, Loading } from './ui';

export function lazy(load: () => Promise<ComponentType<RouteProps>>): ComponentType<RouteProps> {
  let loaded: ComponentType<RouteProps> | null = null;
  return function LazyPage(props: RouteProps) {
    const [component, setComponent] = useState<ComponentType<RouteProps> | null>(() => loaded);
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
    const Page = component;
    return <Page {...props} />;
  };
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
